import { evaluateBudget } from "../calc/budget.js";
import { suggestionGaps } from "../calc/suggestion-gaps.js";
import { defaultSuggestionLimits } from "../calc/suggestions.js";
import type { Availability } from "../config/availability.js";
import type { IntensityTable } from "../intensity/types.js";
import type { JsonHead } from "../report/json.js";
import type { ReportData } from "../report/model.js";
import type { Redactor } from "../text/redact.js";
import type { Budget } from "../cli/options.js";
import type { GroupBudget } from "../attribution/budgets.js";
import { attributionParts } from "./attribution.js";
import type { Estimated } from "./estimate-pass.js";
import { describeEstimateWarning } from "./warnings.js";

/** What the report is made of once every row is estimated: a run's, or a replay's from an --audit pack. */
export interface ReportParts {
  head: JsonHead;
  estimated: Estimated;
  budget: Budget | null;
  /** --budget NAME=VALUE:KG and the config's groupBudgets: each compared with its group of the --group-by sums. */
  groupBudgets: readonly GroupBudget[];
  /** What the sources said (a replay reads them from the pack). */
  sourceWarnings: readonly string[];
  sourceFailures: readonly string[];
  intensity: IntensityTable;
  companion: IntensityTable;
  /** Region keys the usage needs: the provenance lists these, not the candidate regions priced for suggestions. */
  usedKeys: ReadonlySet<string>;
  availability: Availability;
}

/** The report the renderers take; provider messages are redacted before any renderer escapes them. */
export function reportData(p: ReportParts, redactor: Redactor): ReportData {
  const { summary } = p.estimated;
  const { intensity, companion } = p;
  const budget = p.budget
    ? evaluateBudget({ kg: p.budget.kg, perDay: p.budget.perDay, days: p.head.period.days, co2eKg: summary.totals.co2eKg, co2eHighKg: summary.totals.co2eHighKg })
    : null;
  // Provider messages are redacted before any renderer escapes them: an escaped secret would no longer be found.
  const warnings = [...p.sourceWarnings, ...intensity.warnings, ...companion.warnings, ...p.estimated.warnings.map(describeEstimateWarning)].map((w) => redactor.redact(w));
  return {
    ...p.head,
    summary,
    // Candidate regions are priced for suggestions only; the provenance table lists the regions that were used.
    provenance: [...intensity.provenance, ...companion.provenance].filter((x) => p.usedKeys.has(x.key)),
    warnings,
    failures: [...p.sourceFailures, ...intensity.failures, ...companion.failures].map((f) => redactor.redact(f)),
    suggestions: p.estimated.suggestions,
    suggestionGaps: suggestionGaps(summary.byRegionInstanceType, p.availability, defaultSuggestionLimits.emitters),
    budget,
    ...attributionParts(p.estimated, p.groupBudgets, p.head.period.days),
  };
}
