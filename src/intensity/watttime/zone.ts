import { fallbackValue } from "../static.js";
import type { IntensityValue, RegionDemand } from "../types.js";
import { lbsPerMwhToKgPerKwh } from "../units.js";
import type { PlanAccess } from "./endpoints.js";
import { daysTouched, type ZoneHistory } from "./history.js";
import { matchPeriod } from "./match.js";
import type { CurrentOutcome } from "./session.js";

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

/** One resolve call's view of the run's shared WattTime state. */
export interface ZoneDeps {
  access: PlanAccess;
  history(zone: string, days: number[]): Promise<ZoneHistory>;
  current(zone: string): Promise<CurrentOutcome>;
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

  const history = deps.access.historical.has(zone) ? await deps.history(zone, daysTouched(slots)) : null;
  if (history) {
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
    const current = await deps.current(zone);
    if (!("point" in current) && current.failure) deps.fail(current.failure);
    for (const s of wantsCurrent) {
      out.get(s.key)!.values.set(
        s.start,
        !("point" in current)
          ? fallback(s, `not yet published; ${current.reason}`)
          : { kgPerKwh: lbsPerMwhToKgPerKwh(current.point.lbsPerMwh), signal: "marginal", source: CURRENT, note: "not yet published: current value" },
      );
    }
  }
  return out;
}
