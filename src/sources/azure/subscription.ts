import type { CostManagementClient } from "@azure/arm-costmanagement";
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

const rowsOf = (page: QueryPage): UsageRow[] => {
  if (page.rows.length === 0) return [];
  const index = indexColumns(page.columns);
  return page.rows.map((row) => readRow(row, index));
};

/** Every usage row of one subscription over the window: one query per ≤31-day piece, every page followed. */
export async function subscriptionRows(subscriptionId: string, window: DayRange, deps: SubscriptionDeps): Promise<UsageRow[]> {
  const rows: UsageRow[] = [];
  for (const range of splitDays(window)) {
    const body = usageQuery(range);
    deps.record?.({ subscription: subscriptionId, body });
    let page = await deps.retry(() => queryFirstPage(deps.cost, subscriptionId, body, deps.opts));
    rows.push(...rowsOf(page));
    while (page.nextLink) {
      const link = page.nextLink;
      page = await deps.retry(() => queryNextPage(deps.sendCost, deps.env, link, body, deps.opts));
      rows.push(...rowsOf(page));
    }
  }
  return rows;
}
