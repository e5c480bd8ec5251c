import type { RegionEntry } from "../config/regions.js";
import type { IntensitySignal, Matching } from "../schema.js";
import type { Logger } from "../log.js";
import type { HttpPolicy } from "../net/http-policy.js";
import type { Redactor } from "../text/redact.js";

/** Carbon intensity for one grid zone over one period, with where it came from. */
export interface IntensityValue {
  kgPerKwh: number;
  signal: IntensitySignal;
  /** Machine-readable: `watttime:historical`, `watttime:current`, `fallback:<dataset>@<year>`. */
  source: string;
  /** Human reason, e.g. `not in plan`, `12 of 288 points missing`; empty when nothing to say. */
  note: string;
  /** Set by a source whose figure is coarser than the period it answers (a monthly figure); else derived per row. */
  matching?: Matching;
}

/** A usage period, as on the UsageRecord (ISO instants, end exclusive). */
export interface Period {
  start: string;
  end: string;
}

/** All periods one cloud region needs a value for. */
export interface RegionDemand {
  /** `provider:region`, the key used everywhere intensity is looked up. */
  key: string;
  region: RegionEntry;
  periods: Period[];
}

/**
 * The answer of the intensity stage. Calc looks a row up by region key and period start;
 * a region with no per-period value uses its `byRegion` value.
 */
export interface IntensityTable {
  byPeriod: Map<string, Map<string, IntensityValue>>;
  byRegion: Map<string, IntensityValue>;
  /** One line per region for the terminal: which signal it got and why. */
  provenance: RegionProvenance[];
  warnings: string[];
  failures: string[];
  requests: Record<string, number>;
}

export interface RegionProvenance {
  key: string;
  zone: string | null;
  signal: IntensitySignal;
  source: string;
  note: string;
  /** Mean kg/kWh over the periods used, for display. */
  meanKgPerKwh: number;
}

export interface IntensityContext {
  signal: IntensitySignal;
  env: NodeJS.ProcessEnv;
  log: Logger;
  abort: AbortSignal;
  /** Directory for the on-disk cache, or null for --no-cache. */
  cacheDir: string | null;
  now: Date;
  http: HttpPolicy;
  /** Registers the WattTime token; cache files go through it before they are written. */
  redactor: Redactor;
  /**
   * The run's whole window when several resolve calls may ask for different days of it (one per billing provider):
   * WattTime then fetches a zone's days in 32-day blocks of it, one request per zone and block for every call.
   */
  window?: { startMs: number; endMs: number } | null;
}

export interface IntensityProvider {
  readonly id: string;
  resolve(demands: RegionDemand[], ctx: IntensityContext): Promise<IntensityTable>;
  /** Called once when a run starts reading its providers: requests that do not depend on the usage may start. */
  prepare?(ctx: Omit<IntensityContext, "signal">): void;
}
