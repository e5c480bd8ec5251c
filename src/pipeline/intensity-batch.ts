import { emitterPeriods } from "../calc/emitter-periods.js";
import { createEstimator } from "../calc/estimate.js";
import { candidateDemands, defaultSuggestionLimits, planEmitters, type SuggestionPlan } from "../calc/suggestions.js";
import { summaryBuilder } from "../calc/summary.js";
import { emptyTable } from "../intensity/static.js";
import type { IntensityContext, IntensityProvider, IntensityTable, RegionDemand } from "../intensity/types.js";
import type { IntensitySignal, ProviderId, UsageRecord } from "../schema.js";
import type { Setup } from "./setup.js";
import { interner } from "../calc/intern.js";

export interface BatchIntensity {
  /** One table per signal: every row carries both figures. */
  tables: Record<IntensitySignal, IntensityTable>;
  plans: SuggestionPlan[];
  /** Region keys the usage itself needs (candidates for suggestions aside). */
  usedKeys: string[];
}

export interface BatchDeps {
  setup: Setup;
  gpuUtilization: number;
  providers: Record<IntensitySignal, IntensityProvider>;
  /** The context both providers share; each is handed it with its own signal. */
  ctx: Omit<IntensityContext, "signal">;
}

/**
 * The run's window as instants, for intensity sources that can fetch it in a few requests shared by the providers'
 * calls (IntensityContext.window); `until` is the last day, included.
 */
export function runWindowMs(window: { since: string; until: string }): { startMs: number; endMs: number } {
  return { startMs: Date.parse(`${window.since}T00:00:00Z`), endMs: Date.parse(`${window.until}T00:00:00Z`) + 86_400_000 };
}

/** A region and the distinct periods its rows cover: what the intensity stage must answer for it. */
type RegionPeriods = { provider: ProviderId; region: string; periods: Map<string, string> };

/** What the intensity stage and the suggestion plan need from a batch of usage, gathered one row at a time. */
export interface UsageScan {
  add(r: UsageRecord): void;
  resolve(): Promise<BatchIntensity>;
}

/**
 * Per row: the region's period demand, and the row's CO2e on annual figures (no request needed) into the ranking of
 * provider × region × type groups, with each group's periods. Holds no rows: memory is bounded by regions × periods
 * and groups × periods in the window (period strings interned, so each distinct one is held once). `resolve` then
 * plans suggestions for the largest emitters and resolves intensity for the usage and the candidate regions at once.
 */
export function usageScan(deps: BatchDeps): UsageScan {
  const { setup } = deps;
  // Suggestions rank by the marginal signal, the decision signal, whichever leads the report.
  const signal: IntensitySignal = "marginal";
  // Region → its distinct periods, in the order first seen (the order the intensity stage is asked in).
  const byRegion = new Map<string, Map<string, RegionPeriods>>();
  const regionOrder: RegionPeriods[] = [];
  const intern = interner();
  const ranker = createEstimator({ catalog: setup.catalog, regions: setup.regions, intensity: emptyTable(), signal, gpuUtilization: deps.gpuUtilization });
  const ranking = summaryBuilder();
  const periods = emitterPeriods();
  return {
    add(r) {
      let regionsOf = byRegion.get(r.provider);
      if (!regionsOf) byRegion.set(r.provider, (regionsOf = new Map()));
      let d = regionsOf.get(r.region);
      if (!d) {
        regionsOf.set(r.region, (d = { provider: r.provider, region: r.region, periods: new Map() }));
        regionOrder.push(d);
      }
      d.periods.set(intern(r.periodStart), intern(r.periodEnd));
      const ranked = ranker.row(r);
      ranking.add(ranked);
      periods.add(ranked);
    },
    async resolve() {
      const demands: RegionDemand[] = regionOrder.map((d) => ({
        key: `${d.provider}:${d.region}`,
        region: setup.regions.get(d.provider, d.region),
        periods: [...d.periods].map(([start, end]) => ({ start, end })),
      }));
      const plans = planEmitters({
        groups: ranking.finish().byRegionInstanceType,
        periodsOf: periods.of,
        availability: setup.availability,
        regions: setup.regions,
        signal,
        limits: defaultSuggestionLimits,
      });
      const all = mergeDemands(demands, candidateDemands(plans));
      const [marginal, average] = await Promise.all([
        deps.providers.marginal.resolve(all, { ...deps.ctx, signal: "marginal" }),
        deps.providers.average.resolve(all, { ...deps.ctx, signal: "average" }),
      ]);
      return { tables: { marginal, average }, plans, usedKeys: demands.map((d) => d.key) };
    },
  };
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
