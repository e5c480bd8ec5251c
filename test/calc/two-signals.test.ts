import { describe, expect, it } from "vitest";
import { estimate } from "../../src/calc/estimate.js";
import { summarize } from "../../src/calc/summary.js";
import { suggest } from "../../src/calc/suggestions.js";
import { emptyTable } from "../../src/intensity/static.js";
import type { IntensityTable, IntensityValue } from "../../src/intensity/types.js";
import type { UsageRecord } from "../../src/schema.js";
import { shippedSetup } from "../report/setup-data.js";

const setup = shippedSetup();
const row = (region: string, start: string, end: string, hours: number): UsageRecord => ({
  provider: "aws",
  account: "111122223333",
  region,
  instanceType: "p5.48xlarge",
  unit: "instance-hour",
  quantity: hours,
  periodStart: start,
  periodEnd: end,
  estimated: false,
});

function table(key: string, values: Record<string, IntensityValue>): IntensityTable {
  const t = emptyTable();
  t.byPeriod.set(key, new Map(Object.entries(values)));
  return t;
}

const loc = (kg: number): IntensityValue => ({ kgPerKwh: kg, signal: "average", source: "eia:hourly", note: "lifecycle CO2e" });
const moer = (kg: number): IntensityValue => ({ kgPerKwh: kg, signal: "marginal", source: "watttime:historical", note: "" });

describe("two signals in every row (pure calc)", () => {
  const records = [
    row("us-east-1", "2026-10-01T00:00:00Z", "2026-10-02T00:00:00Z", 24),
    row("us-east-1", "2026-10-02T05:00:00Z", "2026-10-02T06:00:00Z", 1),
    row("eu-north-1", "2026-10-01T00:00:00Z", "2026-10-02T00:00:00Z", 24),
  ];
  const average = table("aws:us-east-1", { "2026-10-01T00:00:00Z": loc(0.4), "2026-10-02T05:00:00Z": loc(0.35) });
  const marginal = table("aws:us-east-1", { "2026-10-01T00:00:00Z": moer(0.6), "2026-10-02T05:00:00Z": moer(0.7) });
  const base = { catalog: setup.catalog, regions: setup.regions, gpuUtilization: 0.5 };

  it("carries both figures with their own intensity, source, matching and band, each recomputing from the row", () => {
    const { records: out } = estimate({ ...base, records, signal: "average", intensity: average, companion: marginal });
    const [daily, hourly, sweden] = out as [(typeof out)[0], (typeof out)[0], (typeof out)[0]];
    expect(daily).toMatchObject({ locationKgPerKwh: 0.4, locationSource: "eia:hourly", locationMatching: "daily", marginalKgPerKwh: 0.6, marginalMatching: "daily" });
    expect(hourly).toMatchObject({ locationKgPerKwh: 0.35, locationMatching: "hourly", marginalKgPerKwh: 0.7, marginalMatching: "hourly" });
    // Sweden resolved in neither table: both annual, each saying so; clean on average, high at the margin.
    expect(sweden).toMatchObject({ locationMatching: "annual", marginalMatching: "annual" });
    expect(sweden!.locationKgPerKwh).toBeLessThan(0.05);
    expect(sweden!.marginalKgPerKwh).toBeGreaterThan(0.7);
    for (const r of out) {
      expect(r.co2eLocationKg).toBe(r.facilityEnergyKwh! * r.locationKgPerKwh);
      expect(r.co2MarginalKg).toBe(r.facilityEnergyKwh! * r.marginalKgPerKwh);
      expect(r.co2eKg).toBe(r.co2eLocationKg);
      expect(r.co2eLocationLowKg!).toBeLessThan(r.co2eLocationKg!);
      expect(r.co2MarginalHighKg!).toBeGreaterThan(r.co2MarginalKg!);
    }
    // The annual band is wider than the time-matched one.
    expect(sweden!.co2eLocationHighKg! / sweden!.co2eLocationKg!).toBeGreaterThan(daily!.co2eLocationHighKg! / daily!.co2eLocationKg!);
  });

  it("--signal only swaps the lead: the same two figures, never added", () => {
    const a = estimate({ ...base, records, signal: "average", intensity: average, companion: marginal }).records;
    const m = estimate({ ...base, records, signal: "marginal", intensity: marginal, companion: average }).records;
    for (let i = 0; i < a.length; i++) {
      expect(m[i]!.co2eLocationKg).toBe(a[i]!.co2eLocationKg);
      expect(m[i]!.co2MarginalKg).toBe(a[i]!.co2MarginalKg);
      expect(m[i]!.co2eKg).toBe(m[i]!.co2MarginalKg);
    }
    const t = summarize(a).totals;
    expect(t.co2eKg).toBe(t.co2eLocationKg);
    expect(t.co2MarginalKg).toBeCloseTo(a.reduce((s, r) => s + r.co2MarginalKg!, 0), 9);
  });

  it("suggestions rank by marginal and show the location-based change beside, which can go the other way", () => {
    const fleet = [row("aws", "2026-10-01T00:00:00Z", "2026-10-02T00:00:00Z", 24)].map((r) => ({ ...r, region: "eu-north-1" }));
    const out = estimate({ ...base, records: fleet, signal: "average", intensity: emptyTable(), companion: emptyTable() }).records;
    const here = setup.regions.get("aws", "eu-north-1");
    const there = setup.regions.get("aws", "eu-west-3");
    const plans = [{ emitter: { provider: "aws", region: "eu-north-1", instanceType: "p5.48xlarge" }, rankKg: 1, here, candidates: [there], periods: [] }];
    const [s] = suggest({ records: out, plans, intensity: emptyTable(), signal: "marginal", beside: emptyTable() });
    // Paris: less CO2 at the margin than Stockholm, more CO2e on average.
    expect(s!.signal).toBe("marginal");
    expect(s!.savingKg).toBeGreaterThan(0);
    expect(s!.locationChangeKg!).toBeGreaterThan(0);
    expect(s!.fromCo2eKg).toBe(out[0]!.co2MarginalKg);
    expect(s!.fromLocationCo2eKg).toBe(out[0]!.co2eLocationKg);
  });
});
