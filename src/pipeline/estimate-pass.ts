import { createEstimator, type EstimateWarning, type EstimatorInput } from "../calc/estimate.js";
import { suggestionBuilder, type Suggestion, type SuggestionPlan } from "../calc/suggestions.js";
import { summaryBuilder, type Summary } from "../calc/summary.js";
import { attributionBuilder, type Attribution } from "../calc/attribution.js";
import type { GroupKey } from "../attribution/keys.js";
import { emptyTable } from "../intensity/static.js";
import type { CarbonRecord, UsageRecord } from "../schema.js";

/** Usage rows that can be read more than once: an array in memory, or an --input file read again. */
export type UsageRows = () => Iterable<UsageRecord> | AsyncIterable<UsageRecord>;

export interface Estimated {
  summary: Summary;
  suggestions: Suggestion[];
  warnings: EstimateWarning[];
  /** Sums by the --group-by keys; absent without them. */
  attribution?: Attribution;
}

/**
 * Estimates every row once, in order, and hands each CarbonRecord to `sink` (which writes it out) while the summary
 * and the suggestions are summed: no record is held, so memory does not grow with the rows. `pace` is called for
 * every row: rows held in memory would otherwise keep signals waiting until the last one (see io/pace.ts).
 */
export async function estimatePass(
  rows: UsageRows,
  factors: EstimatorInput,
  plans: readonly SuggestionPlan[],
  sink: (r: CarbonRecord) => void | Promise<void>,
  pace: () => void | Promise<void>,
  groupKeys: readonly GroupKey[] = [],
): Promise<Estimated> {
  const groups = groupKeys.length > 0 ? attributionBuilder(groupKeys) : null;
  const estimator = createEstimator(factors);
  const summary = summaryBuilder();
  // Suggestions rank by marginal (the decision signal) and price the location-based change beside it.
  const tables = factors.signal === "marginal" ? { marginal: factors.intensity, average: factors.companion } : { marginal: factors.companion, average: factors.intensity };
  const suggestions = suggestionBuilder({ plans, intensity: tables.marginal ?? emptyTable(), signal: "marginal", beside: tables.average ?? emptyTable() });
  for await (const usage of rows()) {
    const r = estimator.row(usage);
    summary.add(r);
    groups?.add(r);
    suggestions.add(r);
    const wait = sink(r);
    if (wait) await wait;
    const turn = pace();
    if (turn) await turn;
  }
  const summed = summary.finish();
  return {
    summary: summed,
    suggestions: suggestions.finish(),
    warnings: estimator.warnings(),
    ...(groups ? { attribution: groups.finish(summed.totals) } : {}),
  };
}
