import type { SourceContext, SourceResult } from "../types.js";
import { createBigQueryClient, registerTokens, runQuery } from "./bigquery-client.js";
import { explainBigQueryError } from "./errors.js";
import { mapGpuUsageRows } from "./rows.js";
import { buildGpuUsageQuery } from "./sql.js";
import { parseGcpTable } from "./table-name.js";
import { ProviderError } from "../../errors.js";

/** The cost guard when gcp.maximumBytesBilled is not set: 50 GB (10^9 bytes), about $0.31 at on-demand prices. */
export const DEFAULT_MAXIMUM_BYTES_BILLED = 50_000_000_000;

function gigabytes(bytes: number): string {
  return `${(bytes / 1e9).toLocaleString("en-US", { maximumFractionDigits: 3 })} GB`;
}

/** Reads GPU usage from the BigQuery billing export: one aggregate query, run where the data lives. */
export async function fetchGcpUsage(ctx: SourceContext): Promise<SourceResult> {
  const tableName = ctx.config.gcp?.table;
  if (!tableName) throw new ProviderError("gcp", "no billing export table: set --gcp-table or gcp.table in the config");
  const table = parseGcpTable(tableName);
  const jobProject = ctx.env.GOOGLE_CLOUD_PROJECT || table.project;
  const maximumBytesBilled = ctx.config.gcp?.maximumBytesBilled ?? DEFAULT_MAXIMUM_BYTES_BILLED;
  const location = ctx.config.gcp?.location;
  const query = buildGpuUsageQuery(tableName, ctx.window);

  ctx.log.progress(`gcp: querying ${tableName}`);
  const client = createBigQueryClient({ jobProject, location, env: ctx.env });
  const run = await registerTokens(client, ctx.redactor)
    .then(() => runQuery(client, { sql: query.sql, dateParams: query.dateParams, maximumBytesBilled, location }, ctx.http, ctx.signal))
    .catch((error: unknown) => {
      throw explainBigQueryError(error, { table: tableName, jobProject, maximumBytesBilled, redactor: ctx.redactor });
    });
  ctx.log.verbose(
    `gcp: job ${run.jobId ?? "?"} processed ${run.bytesProcessed === undefined ? "an unreported amount" : gigabytes(run.bytesProcessed)}` +
      `${run.bytesBilled === undefined ? "" : `, billed ${gigabytes(run.bytesBilled)}`}${run.cacheHit ? " (cached)" : ""}` +
      ` (limit ${gigabytes(maximumBytesBilled)}); ${run.rows.length} rows`,
  );

  const mapped = mapGpuUsageRows(run.rows, ctx.catalog, ctx.window.granularity);
  const warnings = [...mapped.warnings];
  if (mapped.records.length === 0 && mapped.otherLines > 0) {
    warnings.push(
      `gcp: ${mapped.otherLines} Compute Engine line items in the window but none for A2/A3/G2 machines or attached GPUs; ` +
        "if GPUs ran, their SKU names may have changed (docs/gcp.md)",
    );
  }
  return { records: mapped.records, warnings, failures: [], requests: run.requests };
}
