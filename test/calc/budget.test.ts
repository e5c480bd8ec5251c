import { describe, expect, it } from "vitest";
import { evaluateBudget } from "../../src/calc/budget.js";

const at = (co2eKg: number, more: Partial<Parameters<typeof evaluateBudget>[0]> = {}) =>
  evaluateBudget({ kg: 1000, perDay: false, days: 30, co2eKg, co2eHighKg: co2eKg * 1.2, ...more });

describe("carbon budget", () => {
  it("warns at 50, 80 and 95 % of the central estimate and is exceeded only above 100 %", () => {
    expect(at(499.9).thresholdPercent).toBeNull();
    expect(at(500).thresholdPercent).toBe(50);
    expect(at(799).thresholdPercent).toBe(50);
    expect(at(800).thresholdPercent).toBe(80);
    expect(at(950).thresholdPercent).toBe(95);
    expect(at(1000)).toMatchObject({ thresholdPercent: 95, exceeded: false, usedPercent: 100 });
    expect(at(1000.001).exceeded).toBe(true);
  });

  it("shows the high bound beside the central estimate; a high bound over the budget alone is not exceeded", () => {
    const b = at(900);
    expect(b).toMatchObject({ usedKg: 900, usedHighKg: 1080, usedPercent: 90, exceeded: false, highExceeded: true });
    expect(b.usedHighPercent).toBeCloseTo(108, 9);
    expect(at(100).highExceeded).toBe(false);
  });

  it("scales a per-day budget by the window's days", () => {
    const b = evaluateBudget({ kg: 20, perDay: true, days: 30, co2eKg: 450, co2eHighKg: 500 });
    expect(b).toMatchObject({ limitKg: 600, perDayKg: 20, usedPercent: 75, thresholdPercent: 50, exceeded: false });
    expect(evaluateBudget({ kg: 20, perDay: true, days: 7, co2eKg: 150, co2eHighKg: 150 }).exceeded).toBe(true);
  });
});
