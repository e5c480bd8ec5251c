import { dayCache, type DayCache } from "../cache.js";
import { addRegionFallback, emptyTable, fallbackValue } from "../static.js";
import type { IntensityContext, IntensityProvider, IntensityTable, IntensityValue, RegionDemand } from "../types.js";
import { periodMean } from "./period-mean.js";
import { SourceNotInPlan, type GridPoint, type HourlySource, type SourceCall } from "./types.js";

const DAY_MS = 86_400_000;
const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/** The source a region uses: the first in the registry's order that covers it and whose key is set. */
function pick(sources: readonly HourlySource[], demand: RegionDemand, env: NodeJS.ProcessEnv): { source: HourlySource; zone: string } | null {
  for (const source of sources) {
    if (source.keyVariable && !env[source.keyVariable]) continue;
    const zone = source.zoneOf(demand.region);
    if (zone) return { source, zone };
  }
  return null;
}

/** Why a region has no hourly location-based figure: a source that would cover it needs a key, or none covers it. */
function whyNoSource(sources: readonly HourlySource[], demand: RegionDemand): string {
  const keyed = sources.find((s) => s.keyVariable && s.zoneOf(demand.region));
  // Worded so that no "NAME_KEY: value" pair appears: the redactor would take the word after it for a secret.
  return keyed ? `annual average (${keyed.keyVariable} not set)` : "annual average (no hourly location-based source for this grid)";
}

/**
 * A zone's points over whole UTC days [fromMs, toMs): complete days from the cache, the rest in one call to the
 * source. Days whose every point is published are cached (they are final but for the grid operators' revisions).
 */
async function zonePoints(source: HourlySource, zone: string, fromMs: number, toMs: number, call: SourceCall, cache: DayCache | null): Promise<GridPoint[]> {
  const perDay = DAY_MS / (source.periodSeconds * 1000);
  const out: GridPoint[] = [];
  const missing: number[] = [];
  for (let day = fromMs; day < toMs; day += DAY_MS) {
    const hit = cache ? await cache.read(zone, dayOf(day)) : null;
    if (hit && hit.periodSeconds === source.periodSeconds && hit.units === "kg/kWh" && hit.points.length === perDay) {
      for (const [s, v] of hit.points) out.push({ startMs: s * 1000, endMs: s * 1000 + source.periodSeconds * 1000, kgPerKwh: v });
    } else missing.push(day);
  }
  if (missing.length === 0) return out;
  const first = missing[0]!;
  const last = missing[missing.length - 1]! + DAY_MS;
  // Days between the first and last missing one that the cache had are asked again but taken from the cache.
  const wanted = new Set(missing);
  const fetched = (await source.points(zone, first, last, call)).filter((p) => wanted.has(p.startMs - (p.startMs % DAY_MS)));
  // A loop, not push(...): a long window holds hundreds of thousands of half-hours, past the argument limit.
  for (const p of fetched) out.push(p);
  if (cache) {
    const byDay = new Map<number, GridPoint[]>();
    for (const p of fetched) {
      const day = p.startMs - (p.startMs % DAY_MS);
      const list = byDay.get(day);
      if (list) list.push(p);
      else byDay.set(day, [p]);
    }
    for (const [day, points] of byDay) {
      if (points.length !== perDay) continue;
      points.sort((a, b) => a.startMs - b.startMs);
      await cache.write(zone, dayOf(day), {
        units: "kg/kWh",
        periodSeconds: source.periodSeconds,
        fetchedAtMs: call.now.getTime(),
        points: points.map((p) => [Math.floor(p.startMs / 1000), p.kgPerKwh]),
      });
    }
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}

/**
 * The location-based (grid average) signal: per region, the first hourly source that covers its grid and has its
 * key (registry order); each period's intensity is the mean of the source's points within it (period-mean.ts). A
 * period the source does not cover, and every period of a region whose source failed, falls back to the region's
 * annual average with the reason in its note; a failed source is also a failure of the run (exit 3), named.
 */
export function locationProvider(sources: readonly HourlySource[]): IntensityProvider {
  // Each billing provider's batch is resolved on its own, often at the same time: a zone over the same span (PJM
  // for aws us-east-1 and azure eastus) is fetched once for all of them.
  const shared = new Map<string, Promise<GridPoint[]>>();
  return {
    id: "location",
    async resolve(demands: RegionDemand[], ctx: IntensityContext): Promise<IntensityTable> {
      const table = emptyTable();
      // Regions sharing a grid zone (us-east-1 and eastus are both PJM) are fetched once.
      const groups = new Map<string, { source: HourlySource; zone: string; demands: RegionDemand[] }>();
      for (const d of demands) {
        const chosen = pick(sources, d, ctx.env);
        if (!chosen) {
          addRegionFallback(table, d, fallbackValue(d.region, "average", whyNoSource(sources, d)));
          continue;
        }
        const id = `${chosen.source.id}\u0000${chosen.zone}`;
        const g = groups.get(id);
        if (g) g.demands.push(d);
        else groups.set(id, { ...chosen, demands: [d] });
      }
      for (const { source, zone, demands: group } of groups.values()) {
        ctx.log.verbose(`location-based intensity: ${source.id} zone ${zone} for ${group.map((d) => d.key).join(", ")}`);
        // Reduced in a loop: Math.min(...list) overflows the stack on a million periods.
        let firstStart = Infinity;
        let lastEnd = -Infinity;
        for (const d of group) {
          for (const p of d.periods) {
            firstStart = Math.min(firstStart, Date.parse(p.start));
            lastEnd = Math.max(lastEnd, Date.parse(p.end));
          }
        }
        const fromMs = firstStart - (firstStart % DAY_MS);
        const toMs = lastEnd % DAY_MS === 0 ? lastEnd : lastEnd - (lastEnd % DAY_MS) + DAY_MS;
        const call: SourceCall = {
          env: ctx.env,
          http: ctx.http,
          abort: ctx.abort,
          now: ctx.now,
          count: () => {
            table.requests[source.id] = (table.requests[source.id] ?? 0) + 1;
          },
        };
        let points: GridPoint[];
        try {
          const cache = ctx.cacheDir ? dayCache(ctx.cacheDir, `location/${source.id}`, ctx.redactor) : null;
          const id = `${source.id}\u0000${zone}\u0000${fromMs}\u0000${toMs}`;
          let pending = shared.get(id);
          if (!pending) shared.set(id, (pending = zonePoints(source, zone, fromMs, toMs, call, cache)));
          points = await pending;
        } catch (err) {
          if (ctx.abort.aborted) throw err;
          const why = ctx.redactor.redact((err as Error).message);
          if (err instanceof SourceNotInPlan) {
            table.warnings.push(`location-based signal ${source.id} for ${group.map((d) => d.key).join(", ")}: ${why}; annual averages used`);
            for (const d of group) addRegionFallback(table, d, fallbackValue(d.region, "average", `${source.id}: ${why}`));
            continue;
          }
          table.failures.push(`location-based signal ${source.id} failed for ${group.map((d) => d.key).join(", ")}: ${why}; annual averages used`);
          for (const d of group) addRegionFallback(table, d, fallbackValue(d.region, "average", `${source.id} failed: ${why}`));
          continue;
        }
        const publishedUntilMs = ctx.now.getTime() - source.lagMs;
        for (const d of group) addMatched(table, d, source, zone, points, publishedUntilMs);
      }
      return table;
    },
  };
}

/** A region's periods from its zone's points, each falling back alone where the points do not cover it. */
function addMatched(table: IntensityTable, d: RegionDemand, source: HourlySource, zone: string, points: readonly GridPoint[], publishedUntilMs: number): void {
  const byPeriod = new Map<string, IntensityValue>();
  const reasons = new Map<string, number>();
  let sum = 0;
  for (const p of d.periods) {
    const m = periodMean(points, Date.parse(p.start), Date.parse(p.end), publishedUntilMs);
    let v: IntensityValue;
    if (m.ok) v = { kgPerKwh: m.kgPerKwh, signal: "average", source: `${source.id}:hourly`, note: source.basis };
    else {
      v = fallbackValue(d.region, "average", `${source.id}: ${m.why}`);
      reasons.set(m.why, (reasons.get(m.why) ?? 0) + 1);
    }
    byPeriod.set(p.start, v);
    sum += v.kgPerKwh;
  }
  table.byPeriod.set(d.key, byPeriod);
  table.byRegion.set(d.key, fallbackValue(d.region, "average", `${source.id}: period not resolved`));
  const gaps = [...reasons].map(([why, n]) => `${n} of ${d.periods.length} periods ${why}`).join("; ");
  table.provenance.push({
    key: d.key,
    zone,
    signal: "average",
    source: `${source.id}:hourly`,
    note: gaps ? `${source.basis}; fallback: ${gaps}` : source.basis,
    meanKgPerKwh: d.periods.length > 0 ? sum / d.periods.length : 0,
  });
  if (gaps) table.warnings.push(`${d.key}: location-based ${source.id} ${gaps}: annual average used there`);
}
