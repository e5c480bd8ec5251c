import { readFileSync } from "node:fs";
import { buildAvailability, type Availability } from "../../src/config/availability.js";
import { buildCatalog, type Catalog } from "../../src/config/catalog.js";
import { buildRegions, type Regions } from "../../src/config/regions.js";
import type { UserConfig } from "../../src/config/user-config.js";
import { estimate } from "../../src/calc/estimate.js";
import { summarize } from "../../src/calc/summary.js";
import { staticProvider } from "../../src/intensity/static.js";
import { silentLogger } from "../../src/log.js";
import type { ReportData } from "../../src/report/model.js";
import type { UsageRecord } from "../../src/schema.js";
import { createRedactor } from "../../src/text/redact.js";

const shipped = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../config/${name}`, import.meta.url), "utf8"));

/** The shipped catalog, regions and availability, as the CLI loads them (no mocks of our own modules). */
export function shippedSetup(availabilityOverride?: UserConfig["availability"]): { catalog: Catalog; regions: Regions; availability: Availability } {
  return {
    catalog: buildCatalog(shipped("catalog.json"), undefined, "config/catalog.json"),
    regions: buildRegions(shipped("regions.json"), undefined, "config/regions.json"),
    availability: buildAvailability(shipped("availability.json"), availabilityOverride, "config/availability.json"),
  };
}

export const shippedAvailabilityRows = (): Record<string, Record<string, string[]>> =>
  (shipped("availability.json") as { availability: Record<string, Record<string, string[]>> }).availability;

/** One daily usage row. */
export function usage(provider: UsageRecord["provider"], region: string, instanceType: string, day: string, hours: number): UsageRecord {
  const start = `${day}T00:00:00Z`;
  const end = new Date(Date.parse(start) + 86_400_000).toISOString().replace(".000Z", "Z");
  return {
    provider,
    account: "acct",
    region,
    instanceType,
    unit: instanceType.startsWith("nvidia-") ? "gpu-hour" : "instance-hour",
    quantity: hours,
    periodStart: start,
    periodEnd: end,
    estimated: false,
  };
}

/** A ReportData built by the real stages from usage rows, with static intensity. */
export async function reportFrom(records: UsageRecord[], extra: Partial<ReportData> = {}): Promise<ReportData> {
  const setup = shippedSetup();
  const demands = [...new Set(records.map((r) => `${r.provider}:${r.region}`))].map((key) => {
    const [provider, region] = key.split(":") as [UsageRecord["provider"], string];
    return { key, region: setup.regions.get(provider, region), periods: [] };
  });
  const intensity = await staticProvider("test: static").resolve(demands, {
    signal: "marginal",
    env: {},
    log: silentLogger,
    abort: new AbortController().signal,
    cacheDir: null,
    now: new Date("2026-11-01T00:00:00Z"),
    http: { timeoutMs: 1000, retryBaseMs: 1, maxAttempts: 1 },
    redactor: createRedactor([]),
  });
  const estimated = estimate({ records, catalog: setup.catalog, regions: setup.regions, intensity, signal: "marginal", gpuUtilization: 0.5 });
  const days = [...new Set(records.map((r) => r.periodStart.slice(0, 10)))].sort();
  return {
    schemaVersion: 1,
    period: { since: days[0]!, until: days.at(-1)!, days: days.length, granularity: "daily" },
    options: { source: "input", providers: [...new Set(records.map((r) => r.provider))].sort(), gpuUtilization: 0.5, utilizationRules: 0, utilizationFile: null, signal: "marginal", intensity: "static", embodied: { lifetimeYears: 6, occupancy: 0.85 } },
    summary: summarize(estimated.records),
    provenance: intensity.provenance,
    warnings: [],
    failures: [],
    suggestions: [],
    budget: null,
    ...extra,
  };
}
