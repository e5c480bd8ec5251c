import { z } from "zod";
import type { UsageRecord } from "../../schema.js";
import { costMetric, usageMetric } from "./query.js";
import { parseUsageType } from "./usage-type.js";
import { untagged, type GroupKey } from "../../attribution/keys.js";

/** Amounts are decimal strings. */
const Metric = z.object({
  Amount: z.string().refine((s) => s.trim() !== "" && Number.isFinite(Number(s)), "a decimal amount"),
  Unit: z.string(),
});

/** The parts of a GetCostAndUsage page this source relies on; anything else in it is ignored. */
export const ResultByTime = z.object({
  TimePeriod: z.object({ Start: z.string(), End: z.string() }),
  Estimated: z.boolean().optional(),
  Groups: z
    .array(
      z.object({
        Keys: z.tuple([z.string(), z.string()]),
        Metrics: z.object({ [usageMetric]: Metric, [costMetric]: Metric.optional() }),
      }),
    )
    .default([]),
});
export type ResultByTime = z.infer<typeof ResultByTime>;

/** What one query contributes: records keyed for merging, and the lines worth telling the user. */
export interface Mapped {
  records: Map<string, UsageRecord>;
  warnings: Set<string>;
  failures: Set<string>;
  /** GPU hours left out because their usage type's region prefix is not known, by usage type. */
  unknownPrefixes: Map<string, { prefix: string; hours: number }>;
}

export const emptyMapped = (): Mapped => ({ records: new Map(), warnings: new Set(), failures: new Set(), unknownPrefixes: new Map() });

/** One warning per usage type of an unknown prefix: its hours, and the config entry that would place them. */
export function unknownPrefixWarnings(mapped: Mapped): string[] {
  return [...mapped.unknownPrefixes].map(
    ([usageType, { prefix, hours }]) =>
      `usage type ${usageType}: region prefix ${prefix} is not known, so its ${hours} hours are left out; ` +
      `name its region in the --config file: "aws": { "regionPrefixes": { "${prefix}": "<region code>" } }`,
  );
}

/** Cost Explorer writes `2026-10-01` for days and `2026-10-01T00:00:00Z` for hours; records carry instants. */
export function toInstant(period: string): string {
  return /^\d{4}-\d{2}-\d{2}$/.test(period) ? `${period}T00:00:00Z` : period.replace(/\.\d+Z$/, "Z");
}

const sageMakerGpu = /^ml\.(p|g|trn|inf)\d/;

/** SageMaker rows are GPU by their `ml.` family (the query cannot narrow them); EC2 rows must be a type asked for. */
const isGpu = (instanceType: string, gpuTypes: ReadonlySet<string>): boolean =>
  instanceType.startsWith("ml.") ? sageMakerGpu.test(instanceType) : gpuTypes.has(instanceType);

/** A tag or cost category group key as Cost Explorer writes it: `team$ml-research`; `team$` is usage without it. */
export function tagValueOf(groupKey: string): string {
  const at = groupKey.indexOf("$");
  const value = at < 0 ? "" : groupKey.slice(at + 1);
  return value === "" ? untagged : value;
}

/** The pages of a per-account query grouped by USAGE_TYPE and one tag or cost category (tagged.ts). */
export interface TagGrouping {
  account: string;
  key: GroupKey;
}

/**
 * Adds one page's groups to `into`. Spot, on-demand, dedicated and host rows of the same
 * (account, region, type, period) merge into one record, so hours add up to the bill.
 * `gpuTypes` are the EC2 types asked for: any other EC2 row (the filter should have dropped it) stays out.
 */
export function addPage(
  into: Mapped,
  results: readonly ResultByTime[],
  gpuTypes: ReadonlySet<string>,
  extraPrefixes?: Readonly<Record<string, string>>,
  tagged?: TagGrouping,
): void {
  for (const period of results) {
    const periodStart = toInstant(period.TimePeriod.Start);
    const periodEnd = toInstant(period.TimePeriod.End);
    for (const group of period.Groups) {
      // Grouped by account and usage type; or, per account, by usage type and a tag.
      const [account, usageType] = tagged ? [tagged.account, group.Keys[0]] : group.Keys;
      const parsed = parseUsageType(usageType, extraPrefixes);
      if (!parsed.ok) {
        if (parsed.reason === "unknown-prefix" && isGpu(usageType.slice(usageType.indexOf(":") + 1), gpuTypes)) {
          const seen = into.unknownPrefixes.get(usageType) ?? { prefix: parsed.prefix ?? "", hours: 0 };
          seen.hours = addDecimals(seen.hours, Number(group.Metrics[usageMetric].Amount));
          into.unknownPrefixes.set(usageType, seen);
        }
        continue;
      }
      if (!isGpu(parsed.instanceType, gpuTypes)) continue;
      const usage = group.Metrics[usageMetric];
      if (usage.Unit !== "Hrs") {
        into.failures.add(`usage type ${usageType} is measured in "${usage.Unit}", not hours: its usage is left out`);
        continue;
      }
      const cost = group.Metrics[costMetric];
      addRecord(into, {
        provider: "aws",
        account,
        region: parsed.region,
        instanceType: parsed.instanceType,
        unit: "instance-hour",
        quantity: Number(usage.Amount),
        periodStart,
        periodEnd,
        estimated: period.Estimated === true,
        ...(cost ? { cost: Number(cost.Amount), currency: cost.Unit } : {}),
        ...(tagged ? { tags: { [tagged.key.id]: tagValueOf(group.Keys[1]) } } : {}),
      });
    }
  }
}

function addRecord(into: Mapped, record: UsageRecord): void {
  const key = [record.account, record.region, record.instanceType, record.periodStart, ...Object.values(record.tags ?? {})].join("|");
  const seen = into.records.get(key);
  if (!seen) {
    into.records.set(key, record);
    return;
  }
  seen.quantity = addDecimals(seen.quantity, record.quantity);
  seen.estimated ||= record.estimated;
  if (seen.cost !== undefined && record.cost !== undefined && seen.currency === record.currency) {
    seen.cost = addDecimals(seen.cost, record.cost);
  } else {
    // Mixed or missing currencies cannot be added up: better no cost than a wrong one.
    delete seen.cost;
    delete seen.currency;
  }
}

/**
 * Cost Explorer amounts carry at most 10 decimals; rounding the sum there removes binary noise
 * (24.000000000000004), so merged hours equal the bill's figure.
 */
export function addDecimals(a: number, b: number): number {
  return Number((a + b).toFixed(10));
}
