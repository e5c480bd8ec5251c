import { describe, expect, it } from "vitest";
import { lbsPerMwhToKgPerKwh } from "../../src/intensity/units.js";

describe("lbsPerMwhToKgPerKwh", () => {
  it("multiplies by the exact pound and divides by 1000 kWh/MWh", () => {
    // 1000 lb × 0.45359237 kg/lb = 453.59237 kg per MWh = 0.45359237 kg per kWh.
    expect(lbsPerMwhToKgPerKwh(1000)).toBeCloseTo(0.45359237, 12);
    // 1 lb/MWh = 0.45359237 kg / 1000 kWh.
    expect(lbsPerMwhToKgPerKwh(1)).toBeCloseTo(0.00045359237, 15);
    expect(lbsPerMwhToKgPerKwh(0)).toBe(0);
    // 2204.62262185 lb is one tonne: 1 t/MWh = 1 kg/kWh.
    expect(lbsPerMwhToKgPerKwh(2204.62262185)).toBeCloseTo(1, 9);
  });
});
