import type { BudgetStatus } from "../calc/budget.js";
import type { Suggestion } from "../calc/suggestions.js";
import type { Summary } from "../calc/summary.js";
import type { RegionProvenance } from "../intensity/types.js";
import type { IntensitySignal } from "../schema.js";
import type { Comparison } from "../ledger/compare.js";

/**
 * Everything a renderer may show. Renderers format it; they never compute new figures. The records themselves
 * are not here: they are written one at a time as they are estimated, so a report of any length stays small.
 */
export interface ReportData {
  schemaVersion: 1;
  period: { since: string; until: string; days: number; granularity: "daily" | "hourly" };
  options: {
    /** `ledger` for `carbon-track report`. */
    source: "demo" | "input" | "providers" | "ledger";
    providers: string[];
    gpuUtilization: number;
    signal: IntensitySignal;
    intensity: string;
  };
  summary: Summary;
  provenance: RegionProvenance[];
  /** Warnings shown to the user, one line each. */
  warnings: string[];
  /** Providers or signals that failed, one line each (make the run partial). */
  failures: string[];
  /** Cleaner regions for the largest emitters, largest emitter first. */
  suggestions: Suggestion[];
  /** Null when no --budget was given. */
  budget: BudgetStatus | null;
  /** Against the period of the same length before, when a ledger holds it. */
  comparison?: Comparison;
}
