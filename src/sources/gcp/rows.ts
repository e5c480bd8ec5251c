import { z } from "zod";
import { lookupInstance, type Catalog } from "../../config/catalog.js";
import { ProviderError } from "../../errors.js";
import { UsageRecord } from "../../schema.js";
import type { UsageWindow } from "../types.js";
import { attachedGpuType } from "./skus.js";

const SECONDS_PER_HOUR = 3600;
const MS_PER_PERIOD: Record<UsageWindow["granularity"], number> = { daily: 86_400_000, hourly: 3_600_000 };

/** The billing export measures GPU and core usage in seconds (GPU-seconds, vCPU-seconds); we report hours. */
export function secondsToHours(seconds: number): number {
  return seconds / SECONDS_PER_HOUR;
}

/** A row of the aggregate query (sql.ts) as the client parses it. */
export const GpuUsageRow = z.object({
  kind: z.enum(["machine", "gpu", "other"]),
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
}

function keyOf(row: GpuUsageRow): Key {
  const { period_start: periodStart, project_id: account, region, type } = row;
  if (!periodStart || !account || !region || !type) {
    throw new ProviderError("gcp", `BigQuery returned a ${row.kind} row without period, project, region or type`);
  }
  return { periodStart, account, region, type };
}

/**
 * Turns the query's rows into usage records. A machine row holds vCPU-seconds of one accelerator-optimized
 * machine type: instance-hours = vCPU-seconds ÷ the type's vCPUs ÷ 3600, the vCPUs from the catalog (the
 * billing label `compute.googleapis.com/cores` stands in for a type the catalog lacks). A gpu row holds
 * GPU-seconds of one attached model: gpu-hours = GPU-seconds ÷ 3600.
 */
export function mapGpuUsageRows(rows: readonly unknown[], catalog: Catalog, granularity: UsageWindow["granularity"]): MappedUsage {
  const records: UsageRecord[] = [];
  const warnings = new Set<string>();
  let otherLines = 0;
  for (const raw of rows) {
    const parsed = GpuUsageRow.safeParse(raw);
    if (!parsed.success) throw new ProviderError("gcp", `BigQuery returned an unexpected row: ${parsed.error.issues[0]?.path.join(".")} ${parsed.error.issues[0]?.message}`);
    const row = parsed.data;
    if (row.kind === "other") {
      otherLines += row.line_count;
      continue;
    }
    const key = keyOf(row);
    const counted = row.kind === "machine" ? machineHours(row, key.type, catalog, warnings) : gpuHours(key.type, row, warnings);
    if (!counted) continue;
    records.push(
      UsageRecord.parse({
        provider: "gcp",
        account: key.account,
        region: key.region,
        instanceType: counted.instanceType,
        unit: counted.unit,
        quantity: counted.hours,
        periodStart: key.periodStart,
        periodEnd: isoSeconds(Date.parse(key.periodStart) + MS_PER_PERIOD[granularity]),
        estimated: row.recent === true,
      }),
    );
  }
  return { records, warnings: [...warnings], otherLines };
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
