import type { ChalkInstance } from "chalk";
import type { Group } from "../calc/summary.js";
import { sanitizeLine as text } from "../text/sanitize.js";
import { shareBars, topShares } from "./charts.js";
import { groupBudgetLine } from "./group-budget-text.js";
import type { ReportData } from "./model.js";

/** The terminal's group table, handed in by table.ts so that every table of the report has one look. */
type GroupTable = (title: string, cols: string[], groups: Group<{ value: string }>[], cells: (k: { value: string }) => string[]) => string;

/** Values shown in a key's chart before the rest are summed into one bar. */
const chartValues = 8;

/**
 * Per --group-by key: the share chart and the table of its values (tag values come from billing data: escaped),
 * then the group budgets, each on its line. Empty without --group-by.
 */
export function attributionSections(r: ReportData, chalk: ChalkInstance, groupTable: GroupTable): string[] {
  if (!r.attribution) return [];
  const parts: string[] = [];
  for (const { key, groups } of r.attribution.byKey) {
    const name = text(key);
    const shares = topShares(
      groups.map((g) => ({ label: text(g.key.value), kg: g.totals.co2eKg })),
      chartValues,
    );
    parts.push(shareBars(`Share of CO2e by ${name}`, shares, chalk));
    parts.push(groupTable(`CO2e by ${name} (largest first)`, [name], groups, (k) => [text(k.value)]));
  }
  const budgets = r.groupBudgets ?? [];
  if (budgets.length > 0) {
    const lines = budgets.map((b) => {
      const line = `  ${groupBudgetLine(b)}`;
      return b.status.exceeded ? chalk.red.bold(line) : b.status.thresholdPercent !== null ? chalk.yellow(line) : line;
    });
    parts.push(`${chalk.bold("Budgets by group")}\n${lines.join("\n")}`);
  }
  return parts;
}
