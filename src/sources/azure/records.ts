import type { UsageRecord } from "../../schema.js";
import { isHourUnit, matchMeter, type MeterMap } from "./meters.js";
import { normaliseRegion } from "./region.js";
import type { UsageRow } from "./result.js";
import { untagged, type GroupKey } from "../../attribution/keys.js";

export interface MappedUsage {
  records: UsageRecord[];
  /** N-series meters the map does not know, each once. */
  unknownMeters: string[];
  /** Units other than hours found on GPU meters, each once (their rows are left out). */
  unexpectedUnits: string[];
}

/** 20261031 → 2026-10-31T00:00:00Z and the next midnight (end exclusive). */
export function dayPeriod(usageDate: number): { periodStart: string; periodEnd: string } {
  const s = String(usageDate);
  const startMs = Date.UTC(Number(s.slice(0, 4)), Number(s.slice(4, 6)) - 1, Number(s.slice(6, 8)));
  const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
  return { periodStart: iso(startMs), periodEnd: iso(startMs + 86_400_000) };
}

/**
 * Turns one subscription's query rows into instance-hour records, one per (region, size, day):
 * Spot, Low Priority, Windows and regular meters of the same size and day are added together.
 * UsageQuantity is already in hours whatever block the meter is priced in ("10 Hours"): never rescaled.
 */
export function toUsageRecords(subscriptionId: string, rows: readonly UsageRow[], meters: MeterMap, tagKey?: GroupKey): MappedUsage {
  const merged = new Map<string, UsageRecord>();
  const unknownMeters = new Set<string>();
  const unexpectedUnits = new Set<string>();
  for (const row of rows) {
    const match = matchMeter(row.meter, meters);
    if (match.kind === "unknown-gpu") unknownMeters.add(row.meter);
    if (match.kind !== "gpu") continue;
    if (row.unit !== null && !isHourUnit(row.unit)) {
      unexpectedUnits.add(`${row.meter} (${row.unit})`);
      continue;
    }
    const region = normaliseRegion(row.location);
    // Rows of a TagKey grouping: one record per value too; an empty value is usage without the tag.
    const value = tagKey ? row.tagValue || untagged : null;
    const key = [region, match.size, row.usageDate, value ?? ""].join("|");
    const existing = merged.get(key);
    if (existing) {
      existing.quantity += row.quantityHours;
      if (row.cost !== null) existing.cost = (existing.cost ?? 0) + row.cost;
      continue;
    }
    merged.set(key, {
      provider: "azure",
      account: subscriptionId,
      region,
      instanceType: match.size,
      unit: "instance-hour",
      quantity: row.quantityHours,
      ...dayPeriod(row.usageDate),
      // The Query API marks nothing as final or not; see docs/azure.md.
      estimated: false,
      ...(row.cost !== null ? { cost: row.cost } : {}),
      ...(row.currency ? { currency: row.currency.toUpperCase() } : {}),
      ...(tagKey ? { tags: { [tagKey.id]: value! } } : {}),
    });
  }
  return {
    records: [...merged.values()].filter((r) => r.quantity > 0),
    unknownMeters: [...unknownMeters],
    unexpectedUnits: [...unexpectedUnits],
  };
}
