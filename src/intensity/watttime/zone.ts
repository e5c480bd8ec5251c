import type { DayCache } from "../cache.js";
import { fallbackValue } from "../static.js";
import type { IntensityValue, RegionDemand } from "../types.js";
import { lbsPerMwhToKgPerKwh } from "../units.js";
import { WattTimeCallFailed, WattTimeNotInPlan, type WattTimeClient } from "./client.js";
import { fetchCurrent, type MoerPoint, type PlanAccess } from "./endpoints.js";
import { daysTouched, loadZoneHistory, type ZoneHistory } from "./history.js";
import { insaneMoers, matchPeriod, SANE_MOER_LBS_PER_MWH } from "./match.js";

const HISTORICAL = "watttime:historical";
const CURRENT = "watttime:current";

/** One cloud region's values per period start, with the points its historical periods held and lacked. */
export interface RegionValues {
  values: Map<string, IntensityValue>;
  expectedPoints: number;
  missingPoints: number;
}
/** Per demand key. */
export type ZoneValues = Map<string, RegionValues>;

export interface ZoneDeps {
  client: WattTimeClient;
  access: PlanAccess;
  cache: DayCache | null;
  nowMs: number;
  warnings: string[];
  /** Records a failed call that made the signal partial (a failures line). */
  fail: (line: string) => void;
  verbose: (message: string) => void;
}

interface Slot {
  key: string;
  start: string;
  startMs: number;
  endMs: number;
}

const slotsOf = (demands: RegionDemand[]): Slot[] =>
  demands.flatMap((d) => d.periods.map((p) => ({ key: d.key, start: p.start, startMs: Date.parse(p.start), endMs: Date.parse(p.end) })));

/**
 * Values for every period of the cloud regions that share one WattTime zone.
 * Throws the client's errors (not in plan, call failed, login rejected): the caller turns them into fallbacks.
 */
export async function resolveZone(zone: string, demands: RegionDemand[], deps: ZoneDeps): Promise<ZoneValues> {
  const slots = slotsOf(demands);
  const regionOf = new Map(demands.map((d) => [d.key, d.region]));
  const out: ZoneValues = new Map(demands.map((d) => [d.key, { values: new Map(), expectedPoints: 0, missingPoints: 0 }]));
  const fallback = (s: Slot, note: string): IntensityValue => fallbackValue(regionOf.get(s.key)!, "marginal", note);

  const history: ZoneHistory | null = deps.access.historical.has(zone)
    ? await loadZoneHistory(zone, daysTouched(slots), { client: deps.client, cache: deps.cache, nowMs: deps.nowMs })
    : null;
  if (history) {
    deps.warnings.push(...history.warnings);
    warnInsane(zone, history.points, deps.warnings);
    deps.verbose(`WattTime ${zone}: ${history.cachedDays} day(s) from cache, ${history.fetchedDays} fetched`);
  }

  // Time matching beats freshness: the current value only stands in for periods after the last published point.
  const wantsCurrent: Slot[] = [];
  for (const s of slots) {
    const region = out.get(s.key)!;
    const target = region.values;
    if (!history) {
      if (s.endMs > deps.nowMs && deps.access.current.has(zone)) wantsCurrent.push(s);
      else target.set(s.start, fallback(s, "historical data not in plan"));
      continue;
    }
    const m = matchPeriod(history.points, history.periodSeconds, s.startMs, s.endMs);
    if (m.kind === "points") {
      const missing = m.expected - m.found;
      region.expectedPoints += m.expected;
      region.missingPoints += missing;
      target.set(s.start, {
        kgPerKwh: lbsPerMwhToKgPerKwh(m.meanLbsPerMwh),
        signal: "marginal",
        source: HISTORICAL,
        note: missing > 0 ? `${missing} of ${m.expected} points missing` : "",
      });
    } else if (m.afterLastPoint && deps.access.current.has(zone)) wantsCurrent.push(s);
    else if (m.afterLastPoint) target.set(s.start, fallback(s, "not yet published; current value not in plan"));
    else target.set(s.start, fallback(s, `no WattTime data for this period (${m.expected} of ${m.expected} points missing)`));
  }

  if (wantsCurrent.length > 0) {
    const current = await currentOrReason(zone, deps);
    if (typeof current !== "string") warnInsane(zone, [current.point], deps.warnings);
    for (const s of wantsCurrent) {
      out.get(s.key)!.values.set(
        s.start,
        typeof current === "string"
          ? fallback(s, `not yet published; ${current}`)
          : { kgPerKwh: lbsPerMwhToKgPerKwh(current.point.lbsPerMwh), signal: "marginal", source: CURRENT, note: "not yet published: current value" },
      );
    }
  }
  return out;
}

/** The current MOER, or why there is none: a failed forecast call must not throw away the zone's history. */
async function currentOrReason(zone: string, deps: ZoneDeps): Promise<{ point: MoerPoint } | string> {
  try {
    return (await fetchCurrent(deps.client, zone)) ?? "no current value";
  } catch (err) {
    if (err instanceof WattTimeNotInPlan) return "current value not in plan";
    if (!(err instanceof WattTimeCallFailed)) throw err;
    deps.fail(`WattTime ${zone}: ${err.message}`);
    return "current value unavailable";
  }
}

function warnInsane(zone: string, points: MoerPoint[], warnings: string[]): void {
  const odd = insaneMoers(points);
  const first = odd[0];
  if (!first) return;
  warnings.push(
    `WattTime ${zone}: ${odd.length} MOER value(s) outside ${SANE_MOER_LBS_PER_MWH.min}–${SANE_MOER_LBS_PER_MWH.max} lbs/MWh ` +
      `(e.g. ${first.lbsPerMwh} at ${new Date(first.startMs).toISOString()}): used as published, check them`,
  );
}
