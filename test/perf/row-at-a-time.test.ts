import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createEstimator, estimate } from "../../src/calc/estimate.js";
import { summarize, summaryBuilder } from "../../src/calc/summary.js";
import { buildCatalog } from "../../src/config/catalog.js";
import { buildRegions } from "../../src/config/regions.js";
import { emptyTable } from "../../src/intensity/static.js";
import type { UsageRecord } from "../../src/schema.js";

// The row-at-a-time calc (for streamed input) must give exactly what the whole-array calc gives.
const catalog = buildCatalog(JSON.parse(readFileSync(new URL("../../config/catalog.json", import.meta.url), "utf8")), undefined, "config/catalog.json");
const regions = buildRegions(JSON.parse(readFileSync(new URL("../../config/regions.json", import.meta.url), "utf8")), undefined, "config/regions.json");
const factors = { catalog, regions, intensity: emptyTable(), signal: "marginal" as const, gpuUtilization: 0.5 };

const row = (over: Partial<UsageRecord>): UsageRecord => ({
  provider: "aws",
  account: "111122223333",
  region: "us-east-1",
  instanceType: "p5.48xlarge",
  unit: "instance-hour",
  quantity: 24,
  periodStart: "2026-10-01T00:00:00Z",
  periodEnd: "2026-10-02T00:00:00Z",
  estimated: false,
  ...over,
});

const records: UsageRecord[] = [
  row({}),
  row({ periodStart: "2026-10-02T00:00:00Z", periodEnd: "2026-10-03T00:00:00Z", quantity: 0.1, cost: 10, currency: "USD" }),
  row({ region: "eu-west-1", quantity: 0.2, cost: 3, currency: "EUR" }),
  row({ instanceType: "x9.unknown", quantity: 3 }),
  row({ region: "mars-north-1", quantity: 0.3 }),
  row({ provider: "gcp", region: "us-central1", instanceType: "a2-highgpu-1g", unit: "gpu-hour", quantity: 7.5 }),
  row({ provider: "azure", region: "eastus", instanceType: "Standard_NC24ads_A100_v4", periodStart: "2026-10-01T12:00:00Z", periodEnd: "2026-10-01T13:00:00Z", quantity: 1 }),
];

describe("row-at-a-time calc", () => {
  it("createEstimator gives the same records and warnings as estimate", () => {
    const whole = estimate({ records, ...factors });
    const estimator = createEstimator(factors);
    expect(records.map((r) => estimator.row(r))).toEqual(whole.records);
    expect(estimator.warnings()).toEqual(whole.warnings);
    expect(whole.warnings.map((w) => w.kind).sort()).toEqual(["unknown-region", "unknown-type"]);
  });

  it("summaryBuilder gives the summary summarize gives, groups and days included", () => {
    const estimated = estimate({ records, ...factors }).records;
    const builder = summaryBuilder();
    for (const r of estimated) builder.add(r);
    const built = builder.finish();
    expect(built).toEqual(summarize(estimated));
    // By hand: 7 rows; 3 h of an unknown type are left out of energy; two currencies make the total cost null.
    expect(built.totals.rows).toBe(7);
    expect(built.totals.hours).toBeCloseTo(24 + 0.1 + 0.2 + 3 + 0.3 + 7.5 + 1, 12);
    expect(built.totals.unknownPowerHours).toBe(3);
    expect(built.totals.cost).toBeNull();
    expect(built.byDay.map((g) => [g.key.day, g.totals.rows])).toEqual([
      ["2026-10-01", 6],
      ["2026-10-02", 1],
    ]);
    const awsEast = built.byRegionInstanceType.find((g) => g.key.provider === "aws" && g.key.region === "us-east-1" && g.key.instanceType === "p5.48xlarge");
    expect(awsEast?.totals).toMatchObject({ rows: 2, cost: 10, currency: "USD" });
  });
});
