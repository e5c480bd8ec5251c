import { UsageError } from "../errors.js";
import type { GroupKey } from "./keys.js";

/** A budget as given: kg for the whole window, or kg per day. */
export interface BudgetAmount {
  kg: number;
  perDay: boolean;
}

/** A budget for one value of one --group-by key: `--budget team=ml-research:500`. */
export interface GroupBudget extends BudgetAmount {
  key: GroupKey;
  value: string;
}

/** `500`, `500kg`, `20/day`: the amount part of every budget. */
export function parseAmount(text: string, what: string): BudgetAmount {
  const m = /^(\d+(?:\.\d+)?)\s*(?:kg)?\s*(\/\s*day)?$/i.exec(text.trim());
  const kg = m ? Number(m[1]) : NaN;
  if (!m || !(kg > 0) || !Number.isFinite(kg)) {
    throw new UsageError(`${what} "${text}" is not a positive number of kg: e.g. --budget 500, --budget 20/day or --budget team=ml-research:500`);
  }
  return { kg, perDay: m[2] !== undefined };
}

/** The key a budget names: the name after `tag:` (`team`), or the key as given (`account`, `cost-category:Env`). */
function keyNamed(name: string, keys: readonly GroupKey[], what: string): GroupKey {
  const key = keys.find((k) => k.id === name) ?? keys.find((k) => k.kind === "tag" && k.name === name);
  if (!key) throw new UsageError(`${what}: "${name}" is not a --group-by key of this run: add --group-by tag:${name} (or account, cost-category:${name})`);
  return key;
}

/** Is this --budget value for a group (`NAME=VALUE:KG`) rather than the whole window? */
export const isGroupBudget = (text: string): boolean => text.includes("=");

/** `team=ml-research:500` or `team=ml-research:20/day`: the last `:` starts the amount, the first `=` ends the key. */
export function parseGroupBudget(text: string, keys: readonly GroupKey[], what = "--budget"): GroupBudget {
  const m = /^([^=]+)=(.*):([^:]+)$/.exec(text.trim());
  if (!m || m[2]!.trim() === "") throw new UsageError(`${what} "${text}" is not NAME=VALUE:KG: e.g. --budget team=ml-research:500`);
  const key = keyNamed(m[1]!.trim(), keys, `${what} "${text}"`);
  return { key, value: m[2]!.trim(), ...parseAmount(m[3]!, `${what} "${text}":`) };
}

/**
 * The config's `groupBudgets`: key name → value → kg or "kg/day". A key the run does not group by is skipped: the
 * same config serves runs with and without --group-by.
 */
export function configGroupBudgets(budgets: Readonly<Record<string, Readonly<Record<string, number | string>>>>, keys: readonly GroupKey[]): GroupBudget[] {
  const out: GroupBudget[] = [];
  for (const [name, values] of Object.entries(budgets)) {
    const what = `config groupBudgets.${name}`;
    if (!keys.some((k) => k.id === name || (k.kind === "tag" && k.name === name))) continue;
    const key = keyNamed(name, keys, what);
    for (const [value, amount] of Object.entries(values)) out.push({ key, value, ...parseAmount(String(amount), `${what}.${value}`) });
  }
  return out;
}
