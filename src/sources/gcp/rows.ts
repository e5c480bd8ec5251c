import { z } from "zod";
import { lookupInstance, type Catalog } from "../../config/catalog.js";
import { ProviderError } from "../../errors.js";
import { UsageRecord } from "../../schema.js";
import type { UsageWindow } from "../types.js";
import { attachedGpuType, N1_MAX_VCPUS_PER_GPU } from "./skus.js";
import { tagKeys, untagged, type GroupKey } from "../../attribution/keys.js";
import { labelColumns } from "./labels.js";

const SECONDS_PER_HOUR = 3600;
const MS_PER_PERIOD: Record<UsageWindow["granularity"], number> = { daily: 86_400_000, hourly: 3_600_000 };

/** The billing export measures GPU and core usage in seconds (GPU-seconds, vCPU-seconds); we report hours. */
export function secondsToHours(seconds: number): number {
  return seconds / SECONDS_PER_HOUR;
}

/** A row of the aggregate query (sql.ts) as the client parses it. */
export const GpuUsageRow = z.object({
  kind: z.enum(["machine", "gpu", "n1", "other"]),
  period_start: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:00:00Z$/, "expected YYYY-MM-DDTHH:00:00Z").nullable(),
  project_id: z.string().nullable(),
  region: z.string().nullable(),
  type: z.string().nullable(),
  usage_seconds: z.number().finite().nonnegative(),
  cores: z.number().int().positive().nullable(),
  recent: z.boolean().nullable(),
  line_count: z.number().int().nonnegative(),
});
export type GpuUsageRow = z.infer<typeof GpuUsageRow>;

export interface MappedUsage {
  records: UsageRecord[];
  warnings: string[];
  /** Compute Engine lines in the window that were neither GPU machine cores nor attached GPUs. */
  otherLines: number;
}

/** `2026-10-02T00:00:00Z`: the schema's instant without milliseconds. */
function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(".000Z", "Z");
}

interface Key {
  periodStart: string;
  account: string;
  region: string;
  type: string;
  /** The --group-by keys' values (labels.ts); undefined without them. */
  tags?: Record<string, string>;
}

function keyOf(row: GpuUsageRow, tags: Record<string, string> | undefined): Key {
  const { period_start: periodStart, project_id: account, region, type } = row;
  if (!periodStart || !account || !region || !type) {
    throw new ProviderError("gcp", `BigQuery returned a ${row.kind} row without period, project, region or type`);
  }
  return { periodStart, account, region, type, ...(tags ? { tags } : {}) };
}

/** A row's values of the --group-by keys: its label columns (NULL = untagged); a cost category is AWS's alone. */
function tagsReader(keys: readonly GroupKey[]): (raw: unknown) => Record<string, string> | undefined {
  const wanted = tagKeys(keys);
  if (wanted.length === 0) return () => undefined;
  const column = new Map(Object.entries(labelColumns(keys).columns).map(([name, k]) => [k.id, name]));
  return (raw) => {
    const cells = raw as Record<string, unknown>;
    return Object.fromEntries(
      wanted.map((k) => {
        const v = column.has(k.id) ? cells[column.get(k.id)!] : null;
        return [k.id, typeof v === "string" && v !== "" ? v : untagged];
      }),
    );
  };
}

/**
 * Turns the query's rows into usage records. A machine row holds vCPU-seconds of one accelerator-optimized
 * machine type: instance-hours = vCPU-seconds ÷ the type's vCPUs ÷ 3600, the vCPUs from the catalog (the
 * billing label `compute.googleapis.com/cores` stands in for a type the catalog lacks). A gpu row holds
 * GPU-seconds of one attached model: gpu-hours = GPU-seconds ÷ 3600. N1 rows (core vCPU-seconds of one N1
 * machine type) become the hosts of the attached GPUs of their project, region and period: see n1Hosts.
 */
export function mapGpuUsageRows(rows: readonly unknown[], catalog: Catalog, granularity: UsageWindow["granularity"], groupKeys: readonly GroupKey[] = []): MappedUsage {
  const tagsOf = tagsReader(groupKeys);
  const records: UsageRecord[] = [];
  const warnings = new Set<string>();
  const n1: { row: GpuUsageRow; key: Key }[] = [];
  let otherLines = 0;
  const record = (key: Key, counted: Counted, recent: boolean | null): UsageRecord =>
    UsageRecord.parse({
      provider: "gcp",
      account: key.account,
      region: key.region,
      instanceType: counted.instanceType,
      unit: counted.unit,
      quantity: counted.hours,
      periodStart: key.periodStart,
      periodEnd: isoSeconds(Date.parse(key.periodStart) + MS_PER_PERIOD[granularity]),
      estimated: recent === true,
      ...(key.tags ? { tags: key.tags } : {}),
    });
  for (const raw of rows) {
    const parsed = GpuUsageRow.safeParse(raw);
    if (!parsed.success) throw new ProviderError("gcp", `BigQuery returned an unexpected row: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`);
    const row = parsed.data;
    if (row.kind === "other") {
      otherLines += row.line_count;
      continue;
    }
    const key = keyOf(row, tagsOf(raw));
    if (row.kind === "n1") {
      n1.push({ row, key });
      continue;
    }
    const counted = row.kind === "machine" ? machineHours(row, key.type, catalog, warnings) : gpuHours(key.type, row, warnings);
    if (counted) records.push(record(key, counted, row.recent));
  }
  const hosts = n1Hosts(n1, records, catalog, warnings);
  for (const h of hosts.records) records.push(record(h.key, h.counted, h.recent));
  return { records, warnings: [...warnings], otherLines: otherLines + hosts.otherLines };
}

const bucketOf = (k: { periodStart: string; account: string; region: string }): string => `${k.periodStart}|${k.account}|${k.region}`;

/**
 * The N1 hosts of attached GPUs, counted once: the export does not say which N1 VM carries GPUs, so the N1 core
 * hours of a project, region and period with attached-GPU hours are taken as their hosts, up to the most vCPUs N1
 * allows per GPU of each model; beyond that (VMs without GPUs in the same project) every N1 type of the period is
 * scaled down alike. N1 lines of periods without attached GPUs are not GPU usage: they are counted as other lines.
 */
function n1Hosts(
  n1: readonly { row: GpuUsageRow; key: Key }[],
  records: readonly UsageRecord[],
  catalog: Catalog,
  warnings: Set<string>,
): { records: { key: Key; counted: Counted; recent: boolean | null }[]; otherLines: number } {
  const capVcpuHours = new Map<string, number>();
  for (const r of records) {
    if (r.unit !== "gpu-hour") continue;
    const id = bucketOf(r);
    capVcpuHours.set(id, (capVcpuHours.get(id) ?? 0) + r.quantity * (N1_MAX_VCPUS_PER_GPU[r.instanceType] ?? 0));
  }
  const vcpuHours = new Map<string, number>();
  let otherLines = 0;
  for (const { row, key } of n1) {
    if (!capVcpuHours.has(bucketOf(key))) otherLines += row.line_count;
    else vcpuHours.set(bucketOf(key), (vcpuHours.get(bucketOf(key)) ?? 0) + secondsToHours(row.usage_seconds));
  }
  const out: { key: Key; counted: Counted; recent: boolean | null }[] = [];
  for (const { row, key } of n1) {
    const id = bucketOf(key);
    const cap = capVcpuHours.get(id);
    if (cap === undefined) continue;
    const all = vcpuHours.get(id)!;
    const share = all > cap ? cap / all : 1;
    const counted = machineHours({ ...row, usage_seconds: row.usage_seconds * share }, key.type, catalog, warnings);
    if (counted) out.push({ key, counted, recent: row.recent });
  }
  return { records: out, otherLines };
}

interface Counted {
  instanceType: string;
  unit: UsageRecord["unit"];
  hours: number;
}

function machineHours(row: GpuUsageRow, machineType: string, catalog: Catalog, warnings: Set<string>): Counted | undefined {
  const catalogVcpus = lookupInstance(catalog, "gcp", machineType)?.vcpus ?? null;
  if (catalogVcpus !== null && row.cores !== null && row.cores !== catalogVcpus) {
    warnings.add(`gcp: ${machineType} bills ${row.cores} vCPUs per VM but the catalog says ${catalogVcpus}; hours use the catalog's figure`);
  }
  const vcpus = catalogVcpus ?? row.cores;
  if (vcpus === null) {
    warnings.add(`gcp: ${machineType} has no vCPU count in the catalog or the billing labels; its usage is left out`);
    return undefined;
  }
  return { instanceType: machineType, unit: "instance-hour", hours: secondsToHours(row.usage_seconds / vcpus) };
}

function gpuHours(model: string, row: GpuUsageRow, warnings: Set<string>): Counted | undefined {
  const instanceType = attachedGpuType(model);
  if (!instanceType) {
    warnings.add(`gcp: GPU model ${model} is not a known attached GPU; its usage is left out`);
    return undefined;
  }
  return { instanceType, unit: "gpu-hour", hours: secondsToHours(row.usage_seconds) };
}
