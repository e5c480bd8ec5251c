import { groupValue, type GroupKey } from "../attribution/keys.js";
import type { GroupBudget } from "../attribution/budgets.js";
import type { CarbonRecord } from "../schema.js";
import { evaluateBudget, type BudgetStatus } from "./budget.js";
import { addToTotals, byImpact, emptyTotals, finishTotals, type Group, type Totals } from "./summary.js";

/** One value of one key: its sums and its share of the window's lead CO2e (percent; 0 when the total is 0). */
export interface ValueGroup extends Group<{ value: string }> {
  sharePercent: number;
}

/** The summary CSV's grain with attribution: provider × region × instance type × every key's value. */
export type AttributedKey = { provider: string; region: string; instanceType: string; values: Record<string, string> };

export interface Attribution {
  /** The keys, in the order given: what a report names each table and column after. */
  keys: { id: string; column: string }[];
  /** Per key (same order): its values, largest CO2e first. */
  byKey: { key: string; groups: ValueGroup[] }[];
  byGroup: Group<AttributedKey>[];
}

export interface GroupBudgetStatus {
  key: string;
  value: string;
  status: BudgetStatus;
}

export interface AttributionBuilder {
  add(r: CarbonRecord): void;
  finish(total: Totals): Attribution;
}

/**
 * Sums rows by each --group-by key's value, and by the summary grain with every value, one row at a time (as the
 * summary builder does), so that each key's groups add up to the window's totals exactly: every row lands in one
 * value of every key, `(untagged)` included.
 */
export function attributionBuilder(keys: readonly GroupKey[]): AttributionBuilder {
  const perKey = keys.map(() => new Map<string, Totals>());
  const grain = new Map<string, Group<AttributedKey>>();
  return {
    add(r) {
      const values = keys.map((k) => groupValue(r, k));
      values.forEach((v, i) => {
        let t = perKey[i]!.get(v);
        if (!t) perKey[i]!.set(v, (t = emptyTotals()));
        addToTotals(t, r);
      });
      const id = [r.provider, r.region, r.instanceType, ...values].join("\u0000");
      let g = grain.get(id);
      if (!g) {
        const named = Object.fromEntries(keys.map((k, i) => [k.id, values[i]!]));
        grain.set(id, (g = { key: { provider: r.provider, region: r.region, instanceType: r.instanceType, values: named }, totals: emptyTotals() }));
      }
      addToTotals(g.totals, r);
    },
    finish(total) {
      const share = (kg: number): number => (total.co2eKg > 0 ? (100 * kg) / total.co2eKg : 0);
      const byKey = keys.map((k, i) => {
        const groups: ValueGroup[] = [...perKey[i]!].map(([value, t]) => {
          const totals = finishTotals(t);
          return { key: { value }, totals, sharePercent: share(totals.co2eKg) };
        });
        return { key: k.id, groups: groups.sort(byImpact((x) => x.value)) as ValueGroup[] };
      });
      const byGroup = [...grain.values()];
      for (const g of byGroup) finishTotals(g.totals);
      const name = (x: AttributedKey): string => [x.provider, x.region, x.instanceType, ...Object.values(x.values)].join(":");
      return { keys: keys.map((k) => ({ id: k.id, column: k.column })), byKey, byGroup: byGroup.sort(byImpact(name)) };
    },
  };
}

/** Each group budget against its group's central CO2e (a value with no rows used nothing); the high bound beside it. */
export function evaluateGroupBudgets(attribution: Attribution, budgets: readonly GroupBudget[], days: number): GroupBudgetStatus[] {
  return budgets.map((b) => {
    const group = attribution.byKey.find((k) => k.key === b.key.id)?.groups.find((g) => g.key.value === b.value);
    const status = evaluateBudget({ kg: b.kg, perDay: b.perDay, days, co2eKg: group?.totals.co2eKg ?? 0, co2eHighKg: group?.totals.co2eHighKg ?? 0 });
    return { key: b.key.id, value: b.value, status };
  });
}
