import type { SourceContext, SourceResult } from "../types.js";
import { createBigQueryClient, registerTokens, runQuery } from "./bigquery-client.js";
import { explainBigQueryError } from "./errors.js";
import { mapGpuUsageRows } from "./rows.js";
import { gcpJob, gigabytes } from "./job.js";


/** Reads GPU usage from the BigQuery billing export: one aggregate query, run where the data lives. */
export async function fetchGcpUsage(ctx: SourceContext): Promise<SourceResult> {
  const { tableName, jobProject, maximumBytesBilled, location, query } = gcpJob(ctx);

  ctx.log.progress(`gcp: querying ${tableName}`);
  ctx.recordQuery?.("gcp", "jobs.query", { table: tableName, jobProject, location: location ?? null, maximumBytesBilled, sql: query.sql, dateParams: query.dateParams, stringParams: query.stringParams });
  const client = createBigQueryClient({ jobProject, location, env: ctx.env });
  const run = await registerTokens(client, ctx.redactor)
    .then(() => runQuery(client, { sql: query.sql, dateParams: query.dateParams, stringParams: query.stringParams, maximumBytesBilled, location }, ctx.http, ctx.signal))
    .catch((error: unknown) => {
      throw explainBigQueryError(error, { table: tableName, jobProject, maximumBytesBilled, redactor: ctx.redactor });
    });
  ctx.log.verbose(
    `gcp: job ${run.jobId ?? "?"} processed ${run.bytesProcessed === undefined ? "an unreported amount" : gigabytes(run.bytesProcessed)}` +
      `${run.bytesBilled === undefined ? "" : `, billed ${gigabytes(run.bytesBilled)}`}${run.cacheHit ? " (cached)" : ""}` +
      ` (limit ${gigabytes(maximumBytesBilled)}); ${run.rows.length} rows`,
  );

  const mapped = mapGpuUsageRows(run.rows, ctx.catalog, ctx.window.granularity, ctx.groupKeys);
  const warnings = [...mapped.warnings];
  if (mapped.records.length === 0 && mapped.otherLines > 0) {
    warnings.push(
      `gcp: ${mapped.otherLines} Compute Engine line items in the window but none for A2/A3/G2 machines or attached GPUs; ` +
        "if GPUs ran, their SKU names may have changed (docs/gcp.md)",
    );
  }
  return { records: mapped.records, warnings, failures: [], requests: run.requests };
}
