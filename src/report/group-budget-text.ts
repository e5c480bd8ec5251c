import type { GroupBudgetStatus } from "../calc/attribution.js";
import { budgetMessages, budgetSummaryText } from "./budget-text.js";
import { sanitizeLine } from "../text/sanitize.js";

/** The group a budget is for, as typed: `tag:team=ml-research`. Tag values come from billing data: sanitized. */
export const groupName = (b: GroupBudgetStatus): string => sanitizeLine(`${b.key}=${b.value}`);

/** One line per group budget for the Markdown and terminal reports. */
export const groupBudgetLine = (b: GroupBudgetStatus): string => `${groupName(b)}: ${budgetSummaryText(b.status)}`;

/** stderr: each group budget's warning or error, naming the group. */
export function groupBudgetMessages(budgets: readonly GroupBudgetStatus[], log: { warn(m: string): void; error(m: string): void }): void {
  for (const b of budgets) {
    const lines = budgetMessages(b.status);
    for (const w of lines.warnings) log.warn(w.replace(/^carbon budget/, `carbon budget of ${groupName(b)}`));
    for (const e of lines.errors) log.error(e.replace(/^carbon budget/, `carbon budget of ${groupName(b)}`));
  }
}
