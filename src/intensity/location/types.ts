import type { RegionEntry } from "../../config/regions.js";
import type { HttpPolicy } from "../../net/http-policy.js";

/** One published interval of a grid's location-based intensity (an hour, or a half-hour for GB). */
export interface GridPoint {
  startMs: number;
  endMs: number;
  kgPerKwh: number;
}

export interface SourceCall {
  env: NodeJS.ProcessEnv;
  http: HttpPolicy;
  abort: AbortSignal;
  /** Counts one request sent, for -v and the bench. */
  count: () => void;
  now: Date;
}

/**
 * A time-matched location-based signal: one module each (EIA, GB Carbon Intensity, Electricity Maps), one line in
 * registry.ts. The provider asks it for a grid zone's points over a span and does the time matching itself.
 */
export interface HourlySource {
  /** Short id, used in `location_source` (`<id>:hourly`), the cache and messages. */
  readonly id: string;
  /** The variable that must be set for the source to be used, or null when it needs no key. */
  readonly keyVariable: string | null;
  /** What the figure is, for the note: e.g. `lifecycle CO2e (IPCC AR5 factors)` or `operational CO2 only`. */
  readonly basis: string;
  /** The source's grid zone for a region, or null when it does not cover it. */
  zoneOf(region: RegionEntry): string | null;
  /** Every point published for the zone that overlaps [fromMs, toMs); gaps are left out. */
  points(zone: string, fromMs: number, toMs: number, call: SourceCall): Promise<GridPoint[]>;
  /** How long after a point's end it is published: later points are `not yet published`, not missing. */
  readonly lagMs: number;
  /** The length of one point: complete days are cached as points of this length. */
  readonly periodSeconds: number;
}

/**
 * The account's plan does not include the data asked for (Electricity Maps' free tier has no history beyond 24 h):
 * a documented fallback and a warning, not a failure of the run.
 */
export class SourceNotInPlan extends Error {}
