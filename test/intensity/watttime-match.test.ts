import { describe, expect, it } from "vitest";
import { fetchWindows, daysTouched, isFresh } from "../../src/intensity/watttime/history.js";
import { isPlausibleMoer } from "../../src/intensity/plausible-moer.js";
import { matchPeriod } from "../../src/intensity/watttime/match.js";

const t = (iso: string): number => Date.parse(iso);
const DAY = 86_400_000;

describe("matchPeriod", () => {
  // Hand-made 5-minute points for one hour: 600, 610, …, 710 (mean 655), then one more hour at 100.
  const points = [
    ...Array.from({ length: 12 }, (_, i) => ({ startMs: t("2026-10-01T03:00:00Z") + i * 300_000, lbsPerMwh: 600 + 10 * i })),
    ...Array.from({ length: 12 }, (_, i) => ({ startMs: t("2026-10-01T04:00:00Z") + i * 300_000, lbsPerMwh: 100 })),
  ];

  it("gives an hour the mean of its own 12 points", () => {
    expect(matchPeriod(points, 300, t("2026-10-01T03:00:00Z"), t("2026-10-01T04:00:00Z"))).toEqual({
      kind: "points",
      meanLbsPerMwh: 655,
      found: 12,
      expected: 12,
    });
  });

  it("counts the points a day lacks", () => {
    const m = matchPeriod(points, 300, t("2026-10-01T00:00:00Z"), t("2026-10-02T00:00:00Z"));
    // (655 × 12 + 100 × 12) / 24 = 377.5
    expect(m).toEqual({ kind: "points", meanLbsPerMwh: 377.5, found: 24, expected: 288 });
  });

  it("leaves out a point whose interval runs past the period's end", () => {
    const m = matchPeriod(points, 300, t("2026-10-01T03:00:00Z"), t("2026-10-01T03:07:00Z"));
    expect(m).toMatchObject({ found: 1, meanLbsPerMwh: 600, expected: 1 });
  });

  it("tells a period after the last published point from a gap", () => {
    expect(matchPeriod(points, 300, t("2026-10-01T05:00:00Z"), t("2026-10-01T06:00:00Z"))).toEqual({ kind: "none", expected: 12, afterLastPoint: true });
    expect(matchPeriod(points, 300, t("2026-10-01T01:00:00Z"), t("2026-10-01T02:00:00Z"))).toEqual({ kind: "none", expected: 12, afterLastPoint: false });
  });

  it("takes a MOER as a grid's when it is above 0 and at most the bound", () => {
    const plausible = [-1, 0, 0.5, 3000, 3001, Number.NaN, Number.POSITIVE_INFINITY].filter((v) => isPlausibleMoer(v, 3000));
    expect(plausible).toEqual([0.5, 3000]);
  });
});

describe("request windows", () => {
  it("covers 30 days in one request and 40 days in two", () => {
    const start = t("2026-10-01T00:00:00Z");
    const days = (n: number) => Array.from({ length: n }, (_, i) => start + i * DAY);
    expect(fetchWindows(days(30))).toEqual([{ startMs: start, endMs: start + 30 * DAY }]);
    expect(fetchWindows(days(40))).toEqual([
      { startMs: start, endMs: start + 32 * DAY },
      { startMs: start + 32 * DAY, endMs: start + 40 * DAY },
    ]);
  });

  it("spans cached days between missing ones rather than asking twice", () => {
    const start = t("2026-10-01T00:00:00Z");
    expect(fetchWindows([start, start + 20 * DAY])).toEqual([{ startMs: start, endMs: start + 21 * DAY }]);
  });

  it("lists every UTC day an hourly or daily period touches", () => {
    expect(daysTouched([{ startMs: t("2026-10-01T23:00:00Z"), endMs: t("2026-10-02T01:00:00Z") }])).toEqual([t("2026-10-01T00:00:00Z"), t("2026-10-02T00:00:00Z")]);
  });

  it("trusts a day fetched complete 48 hours after it ended for good, any other for 6 hours", () => {
    const day = t("2026-10-01T00:00:00Z");
    const full = Array.from({ length: 288 }, (_, i): [number, number] => [day / 1000 + i * 300, 800]);
    const fetched = (iso: string, points = full) => ({ fetchedAtMs: t(iso), periodSeconds: 300, points });
    // Settled and complete: still good a year later.
    expect(isFresh(day, fetched("2026-10-04T00:00:00Z"), t("2027-10-01T00:00:00Z"))).toBe(true);
    // Fetched one minute short of settled: good for 6 hours after the fetch, then asked again.
    expect(isFresh(day, fetched("2026-10-03T23:59:00Z"), t("2026-10-04T05:58:59Z"))).toBe(true);
    expect(isFresh(day, fetched("2026-10-03T23:59:00Z"), t("2026-10-04T05:59:00Z"))).toBe(false);
    // A gap keeps even an old day on the short rule, in case WattTime fills it.
    expect(isFresh(day, fetched("2026-10-10T00:00:00Z", full.slice(1)), t("2026-10-10T05:00:00Z"))).toBe(true);
    expect(isFresh(day, fetched("2026-10-10T00:00:00Z", full.slice(1)), t("2026-10-10T06:00:00Z"))).toBe(false);
    // A file written after "now" (a clock set back) is not trusted on the short rule.
    expect(isFresh(day, fetched("2026-10-02T12:00:00Z"), t("2026-10-02T11:00:00Z"))).toBe(false);
  });
});
