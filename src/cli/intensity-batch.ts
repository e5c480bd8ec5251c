import type { Availability } from "../config/availability.js";
import { estimate } from "../calc/estimate.js";
import { candidateDemands, defaultSuggestionLimits, planSuggestions, type SuggestionPlan } from "../calc/suggestions.js";
import { summarize } from "../calc/summary.js";
import { emptyTable } from "../intensity/static.js";
import type { IntensityContext, IntensityProvider, IntensityTable, RegionDemand } from "../intensity/types.js";
import type { IntensitySignal, ProviderId, UsageRecord } from "../schema.js";
import type { Setup } from "./setup.js";

export interface BatchIntensity {
  table: IntensityTable;
  plans: SuggestionPlan[];
  /** Region keys the usage itself needs (candidates for suggestions aside). */
  usedKeys: string[];
}

export interface BatchDeps {
  setup: Setup;
  availability: Availability;
  signal: IntensitySignal;
  gpuUtilization: number;
  provider: IntensityProvider;
  ctx: IntensityContext;
}

/** Region → the distinct periods its rows cover: what the intensity stage must answer. */
function usageDemands(records: readonly UsageRecord[], setup: Setup): RegionDemand[] {
  const byRegion = new Map<string, { provider: ProviderId; region: string; periods: Map<string, string> }>();
  for (const r of records) {
    const key = `${r.provider}:${r.region}`;
    let d = byRegion.get(key);
    if (!d) byRegion.set(key, (d = { provider: r.provider, region: r.region, periods: new Map() }));
    d.periods.set(r.periodStart, r.periodEnd);
  }
  return [...byRegion].map(([key, d]) => ({
    key,
    region: setup.regions.get(d.provider, d.region),
    periods: [...d.periods].map(([start, end]) => ({ start, end })),
  }));
}

/** Usage demands plus candidate regions; a region in both is asked once, for the union of its periods. */
function mergeDemands(usage: readonly RegionDemand[], extra: readonly RegionDemand[]): RegionDemand[] {
  const byKey = new Map(usage.map((d) => [d.key, { ...d, periods: [...d.periods] }]));
  for (const d of extra) {
    const have = byKey.get(d.key);
    if (!have) byKey.set(d.key, { ...d, periods: [...d.periods] });
    else {
      const starts = new Set(have.periods.map((p) => p.start));
      for (const p of d.periods) if (!starts.has(p.start)) have.periods.push(p);
      have.periods.sort((a, b) => a.start.localeCompare(b.start));
    }
  }
  return [...byKey.values()];
}

/**
 * Resolves intensity for one batch of usage (one provider's answer) as soon as it arrives, so grid lookups overlap
 * with slower providers. The batch's largest emitters are ranked on annual figures (no request needed), so their
 * candidate regions are resolved in the same call: same signal type, same periods.
 */
export async function resolveBatch(records: readonly UsageRecord[], deps: BatchDeps): Promise<BatchIntensity> {
  const { setup, signal } = deps;
  const demands = usageDemands(records, setup);
  const ranked = estimate({ records, catalog: setup.catalog, regions: setup.regions, intensity: emptyTable(), signal, gpuUtilization: deps.gpuUtilization }).records;
  const plans = planSuggestions({
    records: ranked,
    groups: summarize(ranked).byRegionInstanceType,
    availability: deps.availability,
    regions: setup.regions,
    signal,
    limits: defaultSuggestionLimits,
  });
  const table = await deps.provider.resolve(mergeDemands(demands, candidateDemands(plans)), deps.ctx);
  return { table, plans, usedKeys: demands.map((d) => d.key) };
}

/** One table from the tables of several batches; a region resolved twice keeps its first answer. */
export function mergeTables(tables: readonly IntensityTable[]): IntensityTable {
  const out = emptyTable();
  const seen = new Set<string>();
  for (const t of tables) {
    for (const [k, v] of t.byPeriod) if (!out.byPeriod.has(k)) out.byPeriod.set(k, v);
    for (const [k, v] of t.byRegion) if (!out.byRegion.has(k)) out.byRegion.set(k, v);
    for (const p of t.provenance) {
      if (seen.has(p.key)) continue;
      seen.add(p.key);
      out.provenance.push(p);
    }
    out.warnings.push(...t.warnings.filter((w) => !out.warnings.includes(w)));
    out.failures.push(...t.failures.filter((f) => !out.failures.includes(f)));
    for (const [k, n] of Object.entries(t.requests)) out.requests[k] = (out.requests[k] ?? 0) + n;
  }
  return out;
}
