import type { UsageRecord } from "../../src/schema.js";

/** `day account region type value` → hours, with each key's value in the order given; sums rounded as the bill's. */
export function hoursBy(records: readonly UsageRecord[], keyIds: readonly string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of records) {
    const values = keyIds.map((k) => (k === "account" ? r.account : (r.tags?.[k] ?? "MISSING")));
    const id = [r.periodStart.slice(0, 10), r.account, r.region, r.instanceType, ...values].join(" ");
    out[id] = Number(((out[id] ?? 0) + r.quantity).toFixed(10));
  }
  return out;
}

/** The same hours with the values summed away: what the ungrouped run gives. */
export function collapse(byValue: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [id, hours] of Object.entries(byValue)) {
    const base = id.split(" ").slice(0, 4).join(" ");
    // Day, account, region and type are the first four words; values in these fixtures hold no space.
    out[base] = Number(((out[base] ?? 0) + hours).toFixed(10));
  }
  return out;
}
