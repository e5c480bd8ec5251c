import { ProviderError } from "../../errors.js";
import type { SourceContext } from "../types.js";
import { buildGpuUsageQuery, type GpuUsageQuery } from "./sql.js";
import { parseGcpTable } from "./table-name.js";

/** The cost guard when gcp.maximumBytesBilled is not set: 50 GB (10^9 bytes), about $0.31 at on-demand prices. */
export const DEFAULT_MAXIMUM_BYTES_BILLED = 50_000_000_000;

/** The one query a GCP run sends, where and under what cost guard: shared by the run and by --dry-run. */
export interface GcpJob {
  tableName: string;
  jobProject: string;
  maximumBytesBilled: number;
  location: string | undefined;
  query: GpuUsageQuery;
}

export function gcpJob(ctx: Pick<SourceContext, "config" | "env" | "window" | "groupKeys">): GcpJob {
  const tableName = ctx.config.gcp?.table;
  if (!tableName) throw new ProviderError("gcp", "no billing export table: set --gcp-table or gcp.table in the config");
  return {
    tableName,
    jobProject: ctx.env.GOOGLE_CLOUD_PROJECT || parseGcpTable(tableName).project,
    maximumBytesBilled: ctx.config.gcp?.maximumBytesBilled ?? DEFAULT_MAXIMUM_BYTES_BILLED,
    location: ctx.config.gcp?.location,
    query: buildGpuUsageQuery(tableName, ctx.window, ctx.groupKeys),
  };
}

export const gigabytes = (bytes: number): string => `${(bytes / 1e9).toLocaleString("en-US", { maximumFractionDigits: 3 })} GB`;
