import { evaluateGroupBudgets } from "../calc/attribution.js";
import type { GroupBudget } from "../attribution/budgets.js";
import type { ReportData } from "../report/model.js";
import type { Estimated } from "./estimate-pass.js";

/** The report's attribution parts: the sums by key, and each group budget against its group. Nothing without --group-by. */
export function attributionParts(estimated: Estimated, budgets: readonly GroupBudget[], days: number): Pick<ReportData, "attribution" | "groupBudgets"> {
  if (!estimated.attribution) return {};
  return { attribution: estimated.attribution, groupBudgets: evaluateGroupBudgets(estimated.attribution, budgets, days) };
}

/** A budget of the window or of any group is exceeded: the run exits 4. */
export const overBudget = (report: Pick<ReportData, "budget" | "groupBudgets">): boolean =>
  report.budget?.exceeded === true || (report.groupBudgets ?? []).some((b) => b.status.exceeded);
