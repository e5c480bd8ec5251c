import type { SourceContext, SourcePlan } from "../types.js";
import { splitDays } from "./query.js";
import { tagKeys } from "../../attribution/keys.js";

/** The Query API is free but throttled: nothing is sent; scopes are named, not listed. */
export async function planAzure(ctx: SourceContext): Promise<SourcePlan> {
  const ranges = splitDays({ from: ctx.window.since, to: ctx.window.until });
  const scopes = ctx.config.azure?.scopes ?? [];
  const named = ctx.config.azure?.subscriptions ?? [];
  const fromEnv = ctx.env.AZURE_SUBSCRIPTION_ID?.trim();
  const subscriptions = named.length > 0 || scopes.length > 0 ? named : fromEnv ? [fromEnv] : [];
  const perSubscription = `${ranges.length} ${ranges.length === 1 ? "range" : "ranges"} (${ranges.map((r) => `${r.from}..${r.to}`).join(", ")})`;
  const queries = scopes.map((s) => `list the subscriptions in scope ${s}: 1 request per page (Resource Manager)`);
  const count = subscriptions.length * ranges.length;
  if (subscriptions.length > 0) {
    queries.push(
      `Cost Management Query (Usage, Daily, Virtual Machines, by Meter and ResourceLocation) for ${subscriptions.length} ` +
        `${subscriptions.length === 1 ? "subscription" : "subscriptions"} x ${perSubscription}: ${count} ${count === 1 ? "request" : "requests"}, more when an answer has pages`,
    );
  }
  if (scopes.length > 0) queries.push(`the same query for each subscription the scopes list, x ${perSubscription}`);
  const [key] = tagKeys(ctx.groupKeys ?? []).filter((k) => k.kind === "tag");
  if (key) queries.push(`then, per subscription and GPU location found, the query by Meter and TagKey ${key.names.azure}: 1 request per location and range, more when an answer has pages`);
  if (ctx.window.granularity === "hourly") queries.push("the Query API has no hourly data: the run answers daily");
  return { queries, requests: {} };
}
