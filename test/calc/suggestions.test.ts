import { describe, expect, it } from "vitest";
import { availabilityKeys } from "../../src/config/availability.js";
import { estimate } from "../../src/calc/estimate.js";
import { candidateDemands, planSuggestions, suggest, type SuggestionLimits } from "../../src/calc/suggestions.js";
import { summarize } from "../../src/calc/summary.js";
import { emptyTable } from "../../src/intensity/static.js";
import type { IntensityTable } from "../../src/intensity/types.js";
import type { UsageRecord } from "../../src/schema.js";
import { shippedAvailabilityRows, shippedSetup, usage } from "../report/setup-data.js";

const wide: SuggestionLimits = { emitters: 50, candidatesPerEmitter: 50 };

function plan(records: UsageRecord[], limits: SuggestionLimits, setup = shippedSetup()) {
  const ranked = estimate({ records, catalog: setup.catalog, regions: setup.regions, intensity: emptyTable(), signal: "marginal", gpuUtilization: 0.5 }).records;
  return planSuggestions({ records: ranked, groups: summarize(ranked).byRegionInstanceType, availability: setup.availability, regions: setup.regions, signal: "marginal", limits });
}

describe("cleaner-region suggestions", () => {
  it("never suggests a region where the catalog does not record the type", () => {
    const fleet = [
      usage("aws", "us-east-1", "p5.48xlarge", "2026-10-01", 48),
      usage("aws", "us-east-1", "ml.p4d.24xlarge", "2026-10-01", 12),
      usage("aws", "eu-north-1", "g6e.12xlarge", "2026-10-01", 20),
      usage("azure", "eastus", "Standard_ND96asr_v4", "2026-10-01", 24),
      usage("azure", "swedencentral", "Standard_NC24ads_A100_v4", "2026-10-01", 24),
      usage("gcp", "us-east1", "nvidia-tesla-t4", "2026-10-01", 96),
      usage("gcp", "us-east1", "g2-standard-8", "2026-10-01", 20),
      usage("gcp", "us-central1", "a3-highgpu-8g", "2026-10-01", 24),
    ];
    const rows = shippedAvailabilityRows();
    const plans = plan(fleet, wide);
    expect(plans.length).toBeGreaterThan(3);
    for (const p of plans) {
      // The row that applies: the type's own, else (G2) the series; SageMaker ml.X uses X.
      const key = availabilityKeys(p.emitter.provider as "aws", p.emitter.instanceType).find((k) => rows[p.emitter.provider]![k]);
      expect(key, `${p.emitter.provider} ${p.emitter.instanceType}`).toBeDefined();
      for (const c of p.candidates) expect(rows[p.emitter.provider]![key!]).toContain(c.region);
      expect(p.candidates.map((c) => c.region)).not.toContain(p.emitter.region);
    }
    expect(plans.find((p) => p.emitter.instanceType === "ml.p4d.24xlarge")).toBeDefined();
    expect(plans.find((p) => p.emitter.instanceType === "g2-standard-8")!.candidates.every((c) => rows.gcp!["g2-standard-8"]!.includes(c.region))).toBe(true);
  });

  it("maps SageMaker and G2 names to the rows that describe them", () => {
    expect(availabilityKeys("aws", "ml.g5.12xlarge")).toEqual(["g5.12xlarge"]);
    expect(availabilityKeys("gcp", "g2-standard-96")).toEqual(["g2-standard-96", "g2-standard"]);
    expect(availabilityKeys("azure", "Standard_ND96asr_v4")).toEqual(["Standard_ND96asr_v4"]);
    const { availability } = shippedSetup();
    const rows = shippedAvailabilityRows();
    // A size recorded on its own keeps its own (narrower) row; a size without one falls back to the series.
    expect([...availability.regionsOf("gcp", "g2-standard-96")!].sort()).toEqual([...rows.gcp!["g2-standard-96"]!].sort());
    expect([...availability.regionsOf("gcp", "g2-standard-64")!].sort()).toEqual([...rows.gcp!["g2-standard"]!].sort());
    expect([...availability.regionsOf("aws", "ml.p4d.24xlarge")!].sort()).toEqual([...rows.aws!["p4d.24xlarge"]!].sort());
    expect(availability.regionsOf("aws", "p3.2xlarge")).toBeNull();
  });

  it("offers no suggestion for a type with no availability row, and takes the user's additions", () => {
    const records = [usage("azure", "swedencentral", "Standard_ND96isr_H200_v5", "2026-10-01", 24)];
    expect(plan(records, wide)).toEqual([]);
    const withExtra = plan(records, wide, shippedSetup({ azure: { Standard_ND96isr_H200_v5: ["westeurope", "nowhere-1"] } }));
    expect(withExtra.flatMap((p) => p.candidates.map((c) => c.region))).toEqual(["westeurope"]);
  });

  it("keeps the number of candidate regions bounded", () => {
    const records = [usage("aws", "us-east-1", "p5.48xlarge", "2026-10-01", 48), usage("gcp", "us-central1", "a3-highgpu-8g", "2026-10-01", 24)];
    const plans = plan(records, { emitters: 1, candidatesPerEmitter: 2 });
    expect(plans).toHaveLength(1);
    expect(plans[0]!.emitter.instanceType).toBe("p5.48xlarge");
    expect(plans[0]!.candidates).toHaveLength(2);
    expect(candidateDemands(plans).map((d) => d.periods)).toEqual([
      [{ start: "2026-10-01T00:00:00Z", end: "2026-10-02T00:00:00Z" }],
      [{ start: "2026-10-01T00:00:00Z", end: "2026-10-02T00:00:00Z" }],
    ]);
  });

  it("prices the same hours and power at the other region's PUE and time-matched intensity: the saving by hand", () => {
    const setup = shippedSetup();
    const records = [usage("aws", "us-east-1", "p5.48xlarge", "2026-10-01", 10), usage("aws", "us-east-1", "p5.48xlarge", "2026-10-02", 20)];
    const plans = plan(records, { emitters: 1, candidatesPerEmitter: 2 }, setup);
    const [a, b] = plans[0]!.candidates;
    // Per-period intensities (kg/kWh) chosen by hand, as a time-matched signal would answer them.
    const table: IntensityTable = emptyTable();
    const perDay = (key: string, d1: number, d2: number) =>
      table.byPeriod.set(
        key,
        new Map([
          ["2026-10-01T00:00:00Z", { kgPerKwh: d1, signal: "marginal", source: "test:hand", note: "" }],
          ["2026-10-02T00:00:00Z", { kgPerKwh: d2, signal: "marginal", source: "test:hand", note: "" }],
        ]),
      );
    perDay("aws:us-east-1", 0.5, 0.6);
    perDay(`aws:${a!.region}`, 0.2, 0.3);
    perDay(`aws:${b!.region}`, 0.7, 0.9); // dirtier than here: never suggested
    const estimated = estimate({ records, catalog: setup.catalog, regions: setup.regions, intensity: table, signal: "marginal", gpuUtilization: 0.5 }).records;
    const power = estimated[0]!.powerWatts!;
    const pueHere = setup.regions.get("aws", "us-east-1").pue;
    const pueThere = a!.pue;

    const out = suggest({ records: estimated, plans, intensity: table, signal: "marginal" });
    expect(out).toHaveLength(1);
    const s = out[0]!;
    expect(s.toRegion).toBe(a!.region);
    // saving = hours × power × (PUE_here × I_here − PUE_there × I_there), per period, in kWh × kg/kWh.
    const kw = power / 1000;
    const expected = 10 * kw * (pueHere * 0.5 - pueThere * 0.2) + 20 * kw * (pueHere * 0.6 - pueThere * 0.3);
    expect(s.savingKg).toBeCloseTo(expected, 9);
    expect(s.fromCo2eKg).toBeCloseTo(10 * kw * pueHere * 0.5 + 20 * kw * pueHere * 0.6, 9);
    expect(s.toCo2eKg).toBeCloseTo(10 * kw * pueThere * 0.2 + 20 * kw * pueThere * 0.3, 9);
    expect(s.savingPercent).toBeCloseTo((100 * expected) / s.fromCo2eKg, 9);
    expect(s.hours).toBe(30);
    expect(s.toIntensitySource).toBe("test:hand");
    expect(s.signal).toBe("marginal");
  });

  it("equals hours × power × PUE × (intensity here − intensity there) when the PUEs are equal", () => {
    const setup = shippedSetup();
    const records = [usage("aws", "us-east-1", "p5.48xlarge", "2026-10-01", 10)];
    const plans = plan(records, wide, setup);
    const here = setup.regions.get("aws", "us-east-1");
    const same = plans[0]!.candidates.find((c) => c.pue === here.pue)!;
    expect(same).toBeDefined();
    const estimated = estimate({ records, catalog: setup.catalog, regions: setup.regions, intensity: emptyTable(), signal: "marginal", gpuUtilization: 0.5 }).records;
    const s = suggest({ records: estimated, plans, intensity: emptyTable(), signal: "marginal" }).find((x) => x.toRegion === same.region)!;
    const expected = 10 * (estimated[0]!.powerWatts! / 1000) * here.pue * (here.fallback.marginal.kgPerKwh - same.fallback.marginal.kgPerKwh);
    expect(s.savingKg).toBeCloseTo(expected, 9);
  });
});
