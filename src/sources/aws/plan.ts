import type { SourceContext, SourcePlan } from "../types.js";
import { instanceTypesQuery, timePeriod } from "./query.js";
import { tagKeys } from "../../attribution/keys.js";

/** Cost Explorer bills every request ($0.01): the plan is said from the query builders alone, nothing is sent. */
export async function planAws(ctx: SourceContext): Promise<SourcePlan> {
  const types = instanceTypesQuery(ctx.window).TimePeriod!;
  const usage = timePeriod(ctx.window);
  const [key] = tagKeys(ctx.groupKeys ?? []);
  const tagged = key
    ? [`GetCostAndUsage of the same, per account found, by USAGE_TYPE and ${key.kind === "tag" ? "TAG" : "COST_CATEGORY"} ${key.names.aws}: 1 request per account and page ($0.01 each)`]
    : [];
  return {
    queries: [
      `GetDimensionValues INSTANCE_TYPE of "EC2: Running Hours", ${types.Start} to ${types.End} (end exclusive): 1 request ($0.01)`,
      `GetCostAndUsage ${ctx.window.granularity === "hourly" ? "HOURLY" : "DAILY"} UsageQuantity and AmortizedCost of the GPU types found and SageMaker, ` +
        `by LINKED_ACCOUNT and USAGE_TYPE, ${usage.Start} to ${usage.End} (end exclusive): 1 request per page, at least 1 ($0.01 each)`,
      ...tagged,
    ],
    requests: {},
  };
}
