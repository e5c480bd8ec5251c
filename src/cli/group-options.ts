import { configGroupBudgets, isGroupBudget, parseAmount, parseGroupBudget, type BudgetAmount, type GroupBudget } from "../attribution/budgets.js";
import { parseGroupKeys, type GroupKey } from "../attribution/keys.js";
import type { UserConfig } from "../config/user-config.js";
import { UsageError } from "../errors.js";

/** A repeatable option's values: a list from the command line, one value from the environment or the config's options. */
const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

export interface GroupOptions {
  groupKeys: GroupKey[];
  /** The whole window's budget (one), or null. */
  budget: BudgetAmount | null;
  /** Budgets per group, from --budget NAME=VALUE:KG and the config's `groupBudgets`. */
  groupBudgets: GroupBudget[];
}

/**
 * --group-by and --budget, which name each other: --group-by (any layer), else the config's `groupBy`; every
 * --budget is the window's (`500`, `20/day`, once) or a group's (`team=ml-research:500`). `origin` names a layer.
 */
export function parseGroupOptions(groupBy: unknown, budget: unknown, config: UserConfig, origin: (name: string) => string): GroupOptions {
  const aliases = config.tagAliases ?? {};
  const given = list(groupBy);
  const groupKeys =
    given.length > 0 ? parseGroupKeys(given, aliases, `${origin("group-by")}--group-by`) : parseGroupKeys(config.groupBy ?? [], aliases, "config groupBy");
  let total: BudgetAmount | null = null;
  const groupBudgets: GroupBudget[] = [];
  for (const text of list(budget)) {
    const what = `${origin("budget")}--budget`;
    if (isGroupBudget(text)) {
      groupBudgets.push(parseGroupBudget(text, groupKeys, what));
      continue;
    }
    if (total) throw new UsageError(`--budget was given twice for the whole window: give it once (a group's budget is NAME=VALUE:KG)`);
    total = parseAmount(text, what);
  }
  // The command line's budget for a group replaces the config's for the same group.
  const named = new Set(groupBudgets.map((b) => `${b.key.id}=${b.value}`));
  for (const b of configGroupBudgets(config.groupBudgets ?? {}, groupKeys)) if (!named.has(`${b.key.id}=${b.value}`)) groupBudgets.push(b);
  return { groupKeys, budget: total, groupBudgets };
}
