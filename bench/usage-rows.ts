import { readFileSync } from "node:fs";
import type { UsageRecord } from "../src/schema.js";
import { repoRoot } from "./paths.js";

const HOUR_MS = 3_600_000;
/** Hourly periods in a 30-day window: each (account, region, type) combination yields this many distinct rows. */
const PERIODS = 30 * 24;

interface Combo {
  provider: UsageRecord["provider"];
  account: string;
  region: string;
  instanceType: string;
}

/**
 * A realistic spread of (provider, account, region, instance type) combinations from the shipped catalog and
 * region table, enough for `rows` distinct hourly rows (the --input duplicate check rejects repeats).
 */
function combos(rows: number): Combo[] {
  const catalog = JSON.parse(readFileSync(`${repoRoot}/config/catalog.json`, "utf8")) as { instances: Record<string, Record<string, unknown>> };
  const regions = JSON.parse(readFileSync(`${repoRoot}/config/regions.json`, "utf8")) as { regions: Record<string, Record<string, unknown>> };
  const pairs: Omit<Combo, "account">[] = [];
  // Providers, regions and types interleaved, so that even a small file has all three providers and many regions.
  for (let i = 0; i < 64; i++) {
    for (const provider of ["aws", "azure", "gcp"] as const) {
      const types = Object.keys(catalog.instances[provider]!);
      const places = Object.keys(regions.regions[provider]!);
      pairs.push({ provider, region: places[(i * 5) % 16]!, instanceType: types[(i * 3) % 11]! });
    }
  }
  const needed = Math.ceil(rows / PERIODS);
  const out: Combo[] = [];
  for (let a = 0; out.length < needed; a++) {
    for (const p of pairs) if (out.length < needed) out.push({ ...p, account: `acct-${String(100000 + a)}` });
  }
  return out;
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

/** `rows` usage rows over 30 days of hours from `since`; deterministic. Calls `emit` so callers need not hold them. */
export function generateUsage(rows: number, since: string, emit: (r: UsageRecord) => void): void {
  const list = combos(rows);
  const startMs = Date.parse(`${since}T00:00:00Z`);
  const periods = Array.from({ length: PERIODS }, (_, i) => ({ start: iso(startMs + i * HOUR_MS), end: iso(startMs + (i + 1) * HOUR_MS) }));
  for (let i = 0; i < rows; i++) {
    const c = list[Math.floor(i / PERIODS)]!;
    const p = periods[i % PERIODS]!;
    emit({
      provider: c.provider,
      account: c.account,
      region: c.region,
      instanceType: c.instanceType,
      unit: c.provider === "gcp" && i % 5 === 0 ? "gpu-hour" : "instance-hour",
      quantity: ((i * 7919) % 1000) / 1000,
      periodStart: p.start,
      periodEnd: p.end,
      estimated: i % 97 === 0,
      cost: ((i * 104729) % 100000) / 100,
      currency: "USD",
    });
  }
}

export const csvHeader = "provider,account,region,instance_type,unit,quantity_hours,period_start,period_end,estimated,cost,currency";

export const csvLine = (r: UsageRecord): string =>
  `${r.provider},${r.account},${r.region},${r.instanceType},${r.unit},${r.quantity},${r.periodStart},${r.periodEnd},${r.estimated},${r.cost ?? ""},${r.currency ?? ""}`;
