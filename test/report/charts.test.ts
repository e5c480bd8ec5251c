import { Chalk } from "chalk";
import { describe, expect, it } from "vitest";
import { dailySeries, shareBars, sparkline, topShares, trendChart } from "../../src/report/charts.js";

const plain = new Chalk({ level: 0 });
const width = (s: string): number => Math.max(...s.split("\n").map((l) => [...l].length));

function series(days: number): { day: string; kg: number }[] {
  return Array.from({ length: days }, (_, i) => ({ day: new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10), kg: 100 + ((i * 37) % 50) }));
}

describe("terminal charts", () => {
  it("draws the daily trend within 80 columns, for a month and for a year", () => {
    const month = trendChart(series(30), plain);
    expect(width(month)).toBeLessThanOrEqual(80);
    expect(month).toContain("one bar per day");
    expect(month).toContain("01-01");
    expect(month).toContain("01-30");
    const year = trendChart(series(365), plain);
    expect(width(year)).toBeLessThanOrEqual(80);
    // Issue 19: a year is weeks, not 6-day bars, and the axis names the year.
    expect(year).toContain("one bar per week");
    expect(year).toContain("2026-01-01");
    expect(year).toContain("2026-12-31");
    const narrow = trendChart(series(365), plain, 8, 50);
    // The title is wrapped by the report with the other prose lines; the chart itself fits.
    expect(width(narrow.split("\n").slice(1).join("\n"))).toBeLessThanOrEqual(50);
    expect(narrow).toContain("one bar per calendar month");
  });

  it("scales bars to the peak: the largest day is a full column, an empty day is blank", () => {
    const s = [
      { day: "2026-01-01", kg: 0 },
      { day: "2026-01-02", kg: 80 },
      { day: "2026-01-03", kg: 40 },
    ];
    const rows = trendChart(s, plain, 2).split("\n").slice(1, 3);
    // Two rows of 8 eighths: 80 kg fills both, 40 kg fills the lower one.
    expect(rows[0]).toBe("80.0 ┤  █");
    expect(rows[1]).toBe("40.0 ┤  █ █");
    expect(sparkline([0, 1, 2, 4])).toBe(" ▂▄█");
  });

  it("fills days without rows with zero, so gaps show", () => {
    const s = dailySeries([{ key: { day: "2026-01-03" }, totals: { co2eKg: 5 } as never }], "2026-01-01", "2026-01-03");
    expect(s).toEqual([
      { day: "2026-01-01", kg: 0 },
      { day: "2026-01-02", kg: 0 },
      { day: "2026-01-03", kg: 5 },
    ]);
  });

  it("draws shares as bars with percentages, the long tail summed", () => {
    const rows = topShares(
      [
        { label: "aws:us-east-1", kg: 75 },
        { label: "gcp:us-central1", kg: 20 },
        { label: "azure:eastus", kg: 3 },
        { label: "azure:westeurope", kg: 2 },
      ],
      2,
    );
    expect(rows.at(-1)).toEqual({ label: "other (2)", kg: 5 });
    const text = shareBars("Share", rows, plain);
    expect(width(text)).toBeLessThanOrEqual(80);
    expect(text).toContain(`aws:us-east-1   ${"█".repeat(22)}▌`);
    expect(text).toContain("75.0 %");
    expect(text).not.toMatch(/\x1b\[/);
  });
});
