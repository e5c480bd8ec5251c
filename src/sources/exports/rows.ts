import { UsageRecord } from "../../schema.js";
import { attachedGpuType } from "../gcp/skus.js";
import { tagKeys, untagged, type GroupKey } from "../../attribution/keys.js";

export interface ExportUsage {
  records: UsageRecord[];
  /** What a person should know: replaced deliveries, negative rows, clipped hours. */
  warnings: string[];
  /** Said with -v: the format, the files or the query, the purchase options. */
  notes: string[];
}

/** The catalog's type and unit for a result row: GCP GPU SKUs are billed per GPU (EXPORTS.md §4). */
function typeAndUnit(instanceType: string): { instanceType: string; unit: UsageRecord["unit"] } {
  if (!instanceType.startsWith("gcp-gpu:")) return { instanceType, unit: "instance-hour" };
  const model = instanceType.slice("gcp-gpu:".length);
  return { instanceType: attachedGpuType(model) ?? `nvidia-${model.toLowerCase()}`, unit: "gpu-hour" };
}

/** `2026-10-01 00:00:00+00` (DuckDB) or `2026-10-01 00:00:00.000 UTC` (Trino): both UTC, to an ISO instant. */
function instant(text: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})/.exec(text);
  if (!m) throw new Error(`unexpected time ${JSON.stringify(text)} from the export query`);
  return `${m[1]}T${m[2]}Z`;
}

const addStep = (start: string, granularity: "daily" | "hourly"): string =>
  new Date(Date.parse(start) + (granularity === "hourly" ? 3_600_000 : 86_400_000)).toISOString().replace(".000Z", "Z");

const round = (n: number): number => Math.round(n * 1e6) / 1e6;

/**
 * The aggregated rows of the GPU-hours query (sql.ts), whichever engine ran it, as UsageRecords, with the guards'
 * counts said once. Values may arrive as numbers (DuckDB) or text (Athena). `what` starts every message.
 */
export function exportRows(rows: Record<string, unknown>[], granularity: "daily" | "hourly", what: string, groupKeys: readonly GroupKey[] = []): ExportUsage {
  const wanted = tagKeys(groupKeys);
  // The query's tag_<i> columns (tags.ts): null or empty is usage without the tag.
  const tagsOf = (r: Record<string, unknown>): Record<string, string> =>
    Object.fromEntries(wanted.map((k, i) => [k.id, typeof r[`tag_${i}`] === "string" && r[`tag_${i}`] !== "" ? String(r[`tag_${i}`]) : untagged]));
  const records: UsageRecord[] = [];
  let negativeRows = 0;
  let corrections = 0;
  let clipped = 0;
  let netNegative = 0;
  let lineItems = 0;
  const purchases = new Set<string>();
  let refused = 0;
  let firstReason = "";
  for (const r of rows) {
    const hours = Number(r.hours);
    negativeRows += Number(r.negative_rows);
    corrections += Number(r.corrections);
    clipped += Number(r.clipped);
    lineItems += Number(r.line_items);
    for (const p of String(r.purchases ?? "").split(",")) if (p) purchases.add(p);
    if (hours < 0) netNegative++;
    if (!(hours > 0)) continue;
    const periodStart = instant(String(r.period_start));
    // The same check as every other source's rows: an export's text is data, not trusted.
    const parsed = UsageRecord.safeParse({
      provider: r.provider,
      account: String(r.account),
      region: String(r.region),
      ...typeAndUnit(String(r.instance_type)),
      quantity: round(hours),
      periodStart,
      periodEnd: addStep(periodStart, granularity),
      estimated: false,
      ...(wanted.length > 0 ? { tags: tagsOf(r) } : {}),
    });
    if (parsed.success) records.push(parsed.data);
    else {
      refused++;
      firstReason ||= `${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}`;
    }
  }
  const warnings: string[] = [];
  if (negativeRows > 0) warnings.push(`${what}: ${negativeRows} GPU usage rows with negative quantity kept in the sums (they reverse earlier rows)`);
  if (netNegative > 0) warnings.push(`${what}: ${netNegative} groups whose hours net below zero left out`);
  if (corrections > 0) warnings.push(`${what}: ${corrections} GPU usage rows are corrections of an invoiced period (ChargeClass Correction)`);
  if (refused > 0) warnings.push(`${what}: ${refused} aggregated rows left out, not valid usage (${firstReason})`);
  if (clipped > 0) warnings.push(`${what}: ${round(clipped)} h above 1 h per instance-hour clipped (one resource billed twice in an hour)`);
  const notes = [
    `${what}: ${lineItems} GPU line items in ${records.length} rows`,
    `${what}: purchase options ${[...purchases].sort().join(", ") || "none"}`,
  ];
  return { records, warnings, notes };
}
