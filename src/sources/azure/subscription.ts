import type { CostManagementClient, QueryDefinition } from "@azure/arm-costmanagement";
import { queryFirstPage, queryNextPage, type CallOptions, type Send } from "./client.js";
import { splitDays, usageQuery, type DayRange } from "./query.js";
import { indexColumns, readRow, type QueryPage, type UsageRow } from "./result.js";

export interface SubscriptionDeps {
  cost: CostManagementClient;
  sendCost: Send;
  env: NodeJS.ProcessEnv;
  opts: CallOptions;
  retry: <T>(call: () => Promise<T>) => Promise<T>;
  /** --audit: each query body as sent, with the subscription it was sent for. */
  record?(params: { subscription: string; body: unknown }): void;
}

/** A query filtered to one location (tagged.ts) names it here: its rows carry no ResourceLocation column. */
const rowsOf = (page: QueryPage, location?: string): UsageRow[] => {
  if (page.rows.length === 0) return [];
  const index = indexColumns(page.columns, location === undefined ? [] : ["location"]);
  return page.rows.map((row) => (location === undefined ? readRow(row, index) : { ...readRow(row, index), location }));
};

/**
 * Every usage row of one subscription over the window: one query per ≤31-day piece, every page followed. `query`
 * builds each piece's body (by meter and location unless told otherwise); `location` is the one it filters to.
 */
export async function subscriptionRows(
  subscriptionId: string,
  window: DayRange,
  deps: SubscriptionDeps,
  query: (range: DayRange) => QueryDefinition = usageQuery,
  location?: string,
): Promise<UsageRow[]> {
  const rows: UsageRow[] = [];
  for (const range of splitDays(window)) {
    const body = query(range);
    deps.record?.({ subscription: subscriptionId, body });
    let page = await deps.retry(() => queryFirstPage(deps.cost, subscriptionId, body, deps.opts));
    rows.push(...rowsOf(page, location));
    while (page.nextLink) {
      const link = page.nextLink;
      page = await deps.retry(() => queryNextPage(deps.sendCost, deps.env, link, body, deps.opts));
      rows.push(...rowsOf(page, location));
    }
  }
  return rows;
}
