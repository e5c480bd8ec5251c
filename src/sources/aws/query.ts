import type { Expression, GetCostAndUsageCommandInput, GetDimensionValuesCommandInput } from "@aws-sdk/client-cost-explorer";
import type { UsageWindow } from "../types.js";

/** The one usage type group that holds only instance hours actually run (no RI fees, no unused reservations). */
export const runningHoursGroup = "EC2: Running Hours";
export const sageMakerService = "Amazon SageMaker";
export const usageMetric = "UsageQuantity";
/** Amortized: RI and Savings Plan costs land on the hours they covered, so kg CO2e per dollar stays meaningful. */
export const costMetric = "AmortizedCost";

/** Cost Explorer's `End` is exclusive: the day after the window's last (inclusive) day. */
export function timePeriod(window: UsageWindow): { Start: string; End: string } {
  const end = new Date(`${window.until}T00:00:00Z`);
  end.setUTCDate(end.getUTCDate() + 1);
  const endDay = end.toISOString().slice(0, 10);
  // HOURLY takes instants; DAILY takes dates.
  if (window.granularity === "hourly") return { Start: `${window.since}T00:00:00Z`, End: `${endDay}T00:00:00Z` };
  return { Start: window.since, End: endDay };
}

/** Which instance types ran (any family): the caller keeps the GPU ones, so the main query names them exactly. */
export function instanceTypesQuery(window: UsageWindow): GetDimensionValuesCommandInput {
  const period = timePeriod(window);
  return {
    // Dimension values are listed per day at most; an hourly instant would be rejected here.
    TimePeriod: { Start: period.Start.slice(0, 10), End: period.End.slice(0, 10) },
    Dimension: "INSTANCE_TYPE",
    Context: "COST_AND_USAGE",
    Filter: { Dimensions: { Key: "USAGE_TYPE_GROUP", Values: [runningHoursGroup] } },
  };
}

/**
 * One query for both EC2 GPU running hours and SageMaker: an Or of the two filters costs one request (and its
 * pages) instead of two. Grouping by LINKED_ACCOUNT and USAGE_TYPE yields account, region and type, because the
 * usage type encodes region prefix and instance type. SageMaker cannot be narrowed to GPU types server-side,
 * so its rows are filtered by usage type after the fact.
 */
export function usageQuery(window: UsageWindow, gpuTypes: readonly string[]): GetCostAndUsageCommandInput {
  const sageMaker: Expression = { Dimensions: { Key: "SERVICE", Values: [sageMakerService] } };
  const ec2: Expression = {
    And: [
      { Dimensions: { Key: "USAGE_TYPE_GROUP", Values: [runningHoursGroup] } },
      { Dimensions: { Key: "INSTANCE_TYPE", Values: [...gpuTypes] } },
    ],
  };
  return {
    TimePeriod: timePeriod(window),
    Granularity: window.granularity === "hourly" ? "HOURLY" : "DAILY",
    Metrics: [usageMetric, costMetric],
    GroupBy: [
      { Type: "DIMENSION", Key: "LINKED_ACCOUNT" },
      { Type: "DIMENSION", Key: "USAGE_TYPE" },
    ],
    Filter: gpuTypes.length === 0 ? sageMaker : { Or: [ec2, sageMaker] },
  };
}
