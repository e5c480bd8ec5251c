import type { RegionDemand, RegionProvenance } from "../types.js";
import type { RegionValues } from "./zone.js";

/**
 * One terminal line per region from its per-period values: the source most periods got, how many periods got
 * each source when they differ, the points missing in all, and the reasons for fallbacks.
 */
export function summarise(demand: RegionDemand, zone: string, region: RegionValues): RegionProvenance {
  const all = [...region.values.values()];
  const bySource = new Map<string, number>();
  const reasons = new Set<string>();
  for (const v of all) {
    bySource.set(v.source, (bySource.get(v.source) ?? 0) + 1);
    // Per-period gap counts are summed below; other reasons are listed once each.
    if (v.note && !/^\d+ of \d+ points missing$/.test(v.note)) reasons.add(v.note);
  }
  const ranked = [...bySource].sort((a, b) => b[1] - a[1]);
  const parts: string[] = [];
  if (ranked.length > 1) parts.push(ranked.map(([source, n]) => `${n} period(s) ${source}`).join(", "));
  if (region.missingPoints > 0) parts.push(`${region.missingPoints} of ${region.expectedPoints} points missing in periods with data`);
  parts.push(...reasons);
  return {
    key: demand.key,
    zone,
    signal: "marginal",
    source: ranked[0]?.[0] ?? "",
    note: parts.join("; "),
    meanKgPerKwh: all.length > 0 ? all.reduce((s, v) => s + v.kgPerKwh, 0) / all.length : 0,
  };
}
