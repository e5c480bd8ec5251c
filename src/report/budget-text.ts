import type { BudgetStatus } from "../calc/budget.js";
import { human } from "./numbers.js";

/** How the budget was given, e.g. "500.0 kg" or "20.0 kg/day × 30 days = 600.0 kg". */
export function budgetLimitText(b: BudgetStatus): string {
  return b.perDayKg === null ? `${human(b.limitKg)} kg` : `${human(b.perDayKg)} kg/day × ${b.days} days = ${human(b.limitKg)} kg`;
}

/** One line for the terminal and Markdown: the central estimate against the budget, the high bound beside it. */
export function budgetSummaryText(b: BudgetStatus): string {
  const state = b.exceeded ? "EXCEEDED" : b.highExceeded ? "within budget; the high bound is over it" : "within budget";
  return (
    `${human(b.usedKg)} kg of ${budgetLimitText(b)} used: ${human(b.usedPercent)} % ` +
    `(high bound ${human(b.usedHighKg)} kg, ${human(b.usedHighPercent)} %) — ${state}`
  );
}

/** Lines for stderr: one warning at the highest threshold reached (50, 80 or 95 %), or the error when exceeded. */
export function budgetMessages(b: BudgetStatus): { warnings: string[]; errors: string[] } {
  if (b.exceeded) return { warnings: [], errors: [`carbon budget exceeded: ${budgetSummaryText(b)}`] };
  const warnings: string[] = [];
  if (b.thresholdPercent !== null) warnings.push(`carbon budget past ${b.thresholdPercent} %: ${budgetSummaryText(b)}`);
  else if (b.highExceeded) warnings.push(`carbon budget: ${budgetSummaryText(b)}`);
  return { warnings, errors: [] };
}
