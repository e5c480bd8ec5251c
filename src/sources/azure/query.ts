import type { QueryDefinition } from "@azure/arm-costmanagement";

/** Daily queries stay within this many days: the service rejects or truncates longer daily ranges. */
export const maxDaysPerQuery = 31;

const dayMs = 86_400_000;

export interface DayRange {
  /** First day, YYYY-MM-DD. */
  from: string;
  /** Last day, inclusive. */
  to: string;
}

/** Cuts an inclusive day range into consecutive pieces of at most maxDaysPerQuery days. */
export function splitDays(range: DayRange, maxDays = maxDaysPerQuery): DayRange[] {
  const pieces: DayRange[] = [];
  const lastMs = Date.parse(`${range.to}T00:00:00Z`);
  for (let startMs = Date.parse(`${range.from}T00:00:00Z`); startMs <= lastMs; startMs += maxDays * dayMs) {
    const endMs = Math.min(startMs + (maxDays - 1) * dayMs, lastMs);
    pieces.push({ from: isoDay(startMs), to: isoDay(endMs) });
  }
  return pieces;
}

const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

/**
 * The Query body (PROVIDERS.md): actual usage, daily, VM hours and pre-tax cost summed by the service,
 * grouped by meter and location (two groupings, the contract's maximum), limited to VM running charges.
 * "Virtual Machine Licenses" would repeat the same hours; ChargeType Usage keeps out reservation rows.
 */
export function usageQuery(range: DayRange): QueryDefinition {
  return {
    type: "Usage",
    timeframe: "Custom",
    // `to` is inclusive at day granularity: the last second of the last day.
    timePeriod: { from: new Date(`${range.from}T00:00:00Z`), to: new Date(`${range.to}T23:59:59Z`) },
    dataset: {
      granularity: "Daily",
      aggregation: {
        totalQuantity: { name: "UsageQuantity", function: "Sum" },
        totalCost: { name: "PreTaxCost", function: "Sum" },
      },
      grouping: [
        { type: "Dimension", name: "Meter" },
        { type: "Dimension", name: "ResourceLocation" },
      ],
      filter: {
        and: [
          { dimensions: { name: "MeterCategory", operator: "In", values: ["Virtual Machines"] } },
          { dimensions: { name: "ChargeType", operator: "In", values: ["Usage"] } },
        ],
      },
    },
  };
}
