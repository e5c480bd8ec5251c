import type { QueryDefinition } from "@azure/arm-costmanagement";
import type { GroupKey } from "../../attribution/keys.js";
import { matchMeter, type MeterMap } from "./meters.js";
import { usageQuery, type DayRange } from "./query.js";
import type { UsageRow } from "./result.js";
import { subscriptionRows, type SubscriptionDeps } from "./subscription.js";

/**
 * The usage query grouped by meter and the tag instead of meter and location, filtered to one location: the Query
 * API groups by at most two keys (src/attribution/limits.ts), so the location moves from the grouping to the filter.
 * The answer has TagKey and TagValue columns; usage without the tag comes back with both empty.
 */
export function taggedQuery(range: DayRange, location: string, key: GroupKey): QueryDefinition {
  const base = usageQuery(range);
  const dataset = base.dataset!;
  return {
    ...base,
    dataset: {
      ...dataset,
      grouping: [
        { type: "Dimension", name: "Meter" },
        { type: "TagKey", name: key.names.azure },
      ],
      filter: { and: [...(dataset.filter?.and ?? []), { dimensions: { name: "ResourceLocation", operator: "In", values: [location] } }] },
    },
  };
}

/**
 * One subscription's rows split by the tag: the locations of its GPU meters (from the rows by meter and location),
 * one query each. They replace those rows: the same hours per meter, location and day, by value.
 */
export async function taggedRows(id: string, window: DayRange, deps: SubscriptionDeps, whole: readonly UsageRow[], meters: MeterMap, key: GroupKey): Promise<UsageRow[]> {
  const locations = [...new Set(whole.filter((r) => matchMeter(r.meter, meters).kind === "gpu").map((r) => r.location))].sort();
  const rows: UsageRow[] = [];
  for (const location of locations) rows.push(...(await subscriptionRows(id, window, deps, (range) => taggedQuery(range, location, key), location)));
  return rows;
}
