import { lookupInstance, type Catalog } from "../../config/catalog.js";
import { firstIssue } from "../../config/validate.js";
import { UsageRecord } from "../../schema.js";
import type { SourceContext, SourceResult } from "../types.js";
import { CostExplorerCalls, createClient } from "./client.js";
import { explainAwsError } from "./errors.js";
import { missingProfile } from "./profile.js";
import { addPage, emptyMapped, unknownPrefixWarnings } from "./map.js";
import { instanceTypesQuery, usageQuery } from "./query.js";
import { splitByTag } from "./tagged.js";
import { tagKeys } from "../../attribution/keys.js";
import { looksAccelerated } from "./usage-type.js";

/**
 * GPU instance-hours from Cost Explorer: one GetDimensionValues to learn which GPU types ran, then one
 * GetCostAndUsage query (and its pages) for EC2 running hours of those types and SageMaker; with a --group-by tag,
 * one more query per account (tagged.ts). See docs/aws.md and docs/attribution.md.
 */
export async function fetchAwsUsage(ctx: SourceContext): Promise<SourceResult> {
  const client = createClient(ctx.config, ctx.http);
  const calls = new CostExplorerCalls(client, ctx.signal);
  try {
    ctx.log.progress("AWS: listing the instance types that ran");
    const typesQuery = instanceTypesQuery(ctx.window);
    ctx.recordQuery?.("aws", "GetDimensionValues", typesQuery);
    const gpuTypes = gpuTypesOf(await calls.dimensionValues(typesQuery), ctx.catalog);
    ctx.log.verbose(`AWS: GPU instance types in the window: ${gpuTypes.join(", ") || "none"}`);

    let mapped = emptyMapped();
    const wanted = new Set(gpuTypes);
    const main = usageQuery(ctx.window, gpuTypes);
    ctx.log.progress("AWS: reading GPU instance-hours");
    ctx.recordQuery?.("aws", "GetCostAndUsage", main);
    for await (const page of calls.costAndUsagePages(main)) addPage(mapped, page.ResultsByTime, wanted, ctx.config.aws?.regionPrefixes);
    const [key] = tagKeys(ctx.groupKeys ?? []);
    if (key) mapped = await splitByTag(calls, { main, gpuTypes: wanted, prefixes: ctx.config.aws?.regionPrefixes, log: ctx.log, record: (q) => ctx.recordQuery?.("aws", "GetCostAndUsage", q) }, mapped, key);

    ctx.log.verbose(`AWS: ${calls.requests.GetCostAndUsage ?? 0} GetCostAndUsage and ${calls.requests.GetDimensionValues ?? 0} GetDimensionValues requests`);
    const failures = [...mapped.failures];
    const records: UsageRecord[] = [];
    for (const record of mapped.records.values()) {
      const checked = UsageRecord.safeParse(record);
      if (checked.success) records.push(checked.data);
      else failures.push(`${record.account} ${record.region} ${record.instanceType} ${record.periodStart}: ${firstIssue(checked.error)}`);
    }
    return { records: records.sort(byKey), warnings: [...mapped.warnings, ...unknownPrefixWarnings(mapped)], failures, requests: calls.requests };
  } catch (error) {
    throw explainAwsError(error, ctx, await missingProfile(error, ctx));
  } finally {
    client.destroy();
  }
}

/**
 * Types the catalog knows, plus types that are accelerated by family name but not catalogued yet: their hours are
 * kept so the run flags them, rather than dropped unseen. Everything else (CPU types) is never asked for.
 */
export function gpuTypesOf(instanceTypes: readonly string[], catalog: Catalog): string[] {
  const kept = instanceTypes.filter((t) => lookupInstance(catalog, "aws", t) !== undefined || looksAccelerated(t));
  return [...new Set(kept)].sort();
}

function byKey(a: UsageRecord, b: UsageRecord): number {
  return (
    a.periodStart.localeCompare(b.periodStart) ||
    a.account.localeCompare(b.account) ||
    a.region.localeCompare(b.region) ||
    a.instanceType.localeCompare(b.instanceType)
  );
}
