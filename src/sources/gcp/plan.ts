import type { SourceContext, SourcePlan } from "../types.js";
import { createBigQueryClient, dryRunQuery, registerTokens } from "./bigquery-client.js";
import { explainBigQueryError } from "./errors.js";
import { gcpJob, gigabytes } from "./job.js";
import { PARTITION_DAYS_AFTER, PARTITION_DAYS_BEFORE } from "./sql.js";


/**
 * BigQuery answers a dry run with the bytes the query would scan, without running it or billing anything: the
 * plan sends exactly that one free request (the same SQL and parameters as the run).
 */
export async function planGcp(ctx: SourceContext): Promise<SourcePlan> {
  const { tableName, jobProject, maximumBytesBilled, location, query } = gcpJob(ctx);
  const client = createBigQueryClient({ jobProject, location, env: ctx.env });
  const estimate = await registerTokens(client, ctx.redactor)
    .then(() => dryRunQuery(client, { sql: query.sql, dateParams: query.dateParams, stringParams: query.stringParams, maximumBytesBilled, location }, ctx.http, ctx.signal))
    .catch((error: unknown) => {
      throw explainBigQueryError(error, { table: tableName, jobProject, maximumBytesBilled, redactor: ctx.redactor });
    });
  const scanned = estimate.bytesProcessed === undefined ? "bytes scanned not reported" : `${gigabytes(estimate.bytesProcessed)} scanned`;
  return {
    queries: [
      `BigQuery jobs.query on ${tableName} in project ${jobProject}, partitions ${PARTITION_DAYS_BEFORE} day before ${ctx.window.since} ` +
        `to ${PARTITION_DAYS_AFTER} days after ${ctx.window.until}: 1 job (${scanned} by the dry run; limit ${gigabytes(maximumBytesBilled)}), ` +
        `plus 1 request per poll and page`,
    ],
    requests: estimate.requests,
  };
}
