import type { BudgetStatus } from "../calc/budget.js";
import type { Suggestion } from "../calc/suggestions.js";
import type { Summary } from "../calc/summary.js";
import type { RegionProvenance } from "../intensity/types.js";
import type { IntensitySignal } from "../schema.js";
import type { Comparison } from "../ledger/compare.js";
import type { Attribution, GroupBudgetStatus } from "../calc/attribution.js";

/**
 * Where a run's usage came from: `input` is --input, export files or a table read in place; `input+providers` is
 * one of those and the APIs --providers named beside it.
 */
export type RunSource = "demo" | "input" | "providers" | "input+providers";

/**
 * Everything a renderer may show. Renderers format it; they never compute new figures. The records themselves
 * are not here: they are written one at a time as they are estimated, so a report of any length stays small.
 */
export interface ReportData {
  schemaVersion: 1;
  period: { since: string; until: string; days: number; granularity: "daily" | "hourly" };
  options: {
    /** `ledger` for `carbon-track report`. */
    source: RunSource | "ledger";
    providers: string[];
    gpuUtilization: number;
    /** How many config rules set u, and the --utilization file, if any: rows they cover say so in utilization_rule. */
    utilizationRules: number;
    utilizationFile: string | null;
    /** The signal that leads the report (the co2e_kg columns); both are in every row. */
    signal: IntensitySignal;
    /** The marginal signal's provider: watttime or static. */
    intensity: string;
    /** The location-based signal's provider: hourly (EIA, GB Carbon Intensity, Electricity Maps) or static. */
    location?: string;
    /** Which signal is the inventory figure (location-based CO2e) and which the decision figure (marginal CO2). */
    inventorySignal?: "average";
    decisionSignal?: "marginal";
    /** Null with --no-embodied; otherwise the amortisation the embodied figures used. */
    embodied: { lifetimeYears: number; occupancy: number } | null;
  };
  summary: Summary;
  provenance: RegionProvenance[];
  /** Warnings shown to the user, one line each. */
  warnings: string[];
  /** Providers or signals that failed, one line each (make the run partial). */
  failures: string[];
  /** Cleaner regions for the largest emitters, largest emitter first. */
  suggestions: Suggestion[];
  /** Large emitters left without a suggestion because where their type is offered is not recorded, one line each. */
  suggestionGaps?: string[];
  /** Null when no --budget was given. */
  budget: BudgetStatus | null;
  /** Sums by each --group-by key; absent when the run does not group. */
  attribution?: Attribution;
  /** Budgets per group (--budget NAME=VALUE:KG, config groupBudgets), in the order given. */
  groupBudgets?: GroupBudgetStatus[];
  /** Against the period of the same length before, when a ledger holds it. */
  comparison?: Comparison;
}

/** How the embodied figures were amortised, said beside them. */
export const embodiedBasis = (e: { lifetimeYears: number; occupancy: number }): string =>
  `amortised over ${e.lifetimeYears} years at ${e.occupancy} occupancy`;

/** What set u, for the report header: the default, and the rules and measurements that override it per row. */
export function utilizationText(o: ReportData["options"]): string {
  const more = [o.utilizationRules > 0 ? `${o.utilizationRules} config rule${o.utilizationRules > 1 ? "s" : ""}` : "", o.utilizationFile ? `measured: ${o.utilizationFile}` : ""].filter(Boolean);
  return more.length > 0 ? `${o.gpuUtilization} (default; ${more.join("; ")})` : `${o.gpuUtilization}`;
}
