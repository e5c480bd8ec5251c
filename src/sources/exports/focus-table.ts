import type { Logger } from "../../log.js";
import type { GroupKey } from "../../attribution/keys.js";
import type { HttpPolicy } from "../../net/http-policy.js";
import type { Redactor } from "../../text/redact.js";
import { createBigQueryClient, dryRunQuery, registerTokens, runQuery, type QueryRequest } from "../gcp/bigquery-client.js";
import { explainBigQueryError } from "../gcp/errors.js";
import { DEFAULT_MAXIMUM_BYTES_BILLED, gigabytes } from "../gcp/job.js";
import { tableSchema, type TableSchema } from "../gcp/table-schema.js";
import { parseFocusTable } from "../gcp/table-name.js";
import { detectFormat, optionalColumns, requiredColumns, type Detected } from "./detect.js";
import { exportRows, type ExportUsage } from "./rows.js";
import { gpuHoursSql, googleSqlDialect } from "./sql.js";

export interface FocusTableRequest {
  /** `project.dataset.table`, checked before the run (parseFocusTable). */
  table: string;
  /** The window's first and last UTC day, both inclusive: the named DATE parameters @since and @until. */
  since: string;
  until: string;
  granularity: "daily" | "hourly";
  /** gcp.maximumBytesBilled and gcp.location, as for the billing export. */
  maximumBytesBilled: number | undefined;
  location: string | undefined;
  env: NodeJS.ProcessEnv;
  http: HttpPolicy;
  signal: AbortSignal;
  /** --group-by: each tag key's value from the FOCUS Tags column (exports/tags.ts). */
  groupKeys?: readonly GroupKey[];
  /** --audit: the query as sent (its SQL and parameters), for the pack's manifest. */
  record?: (name: string, params: unknown) => void;
  log: Logger;
  redactor: Redactor;
}

export interface FocusTableUsage extends ExportUsage {
  requests: Record<string, number>;
}

/** The window as GoogleSQL expressions of the named parameters: nothing from the input is spliced into the text. */
const windowStart = "TIMESTAMP(@since)";
const windowEnd = "TIMESTAMP(DATE_ADD(@until, INTERVAL 1 DAY))";

/** Types whose cells are not one value: given to the query as JSON text, as the files and Athena hold them. */
const nested = new Set(["JSON", "RECORD", "STRUCT", "ARRAY"]);

/** The DATE expression `day` in the type of a partition column, so that BigQuery can prune on the bare column. */
function asType(type: string, day: string): string | null {
  if (type === "TIMESTAMP") return `TIMESTAMP(${day})`;
  if (type === "DATETIME") return `DATETIME(${day})`;
  if (type === "DATE") return day;
  return null;
}

export interface FocusTableQuery {
  sql: string;
  detected: Detected;
  /** How the window bounds the partitions read, for a person. */
  pruning: string;
}

/**
 * The GPU-hours query over a FOCUS table in BigQuery: the shared definition in GoogleSQL, over a relation that
 * already keeps the window's charge periods (on the bare column when it is a TIMESTAMP, so a table partitioned or
 * clustered on ChargePeriodStart is pruned) and, for a table partitioned by BillingPeriodStart, the billing months
 * the window touches. Only the table name, checked to letters, digits, `_` and `-`, and column names from the
 * table's own schema are written into the text; the days travel as @since and @until.
 */
export function focusTableQuery(table: string, schema: TableSchema, granularity: "daily" | "hourly", groupKeys: readonly GroupKey[] = []): FocusTableQuery {
  const detected = detectFormat(
    schema.columns.map((c) => c.name),
    "focus",
    `--focus-table ${table}`,
  );
  const typeOf = (name: string): string | undefined => schema.columns.find((c) => c.name.toLowerCase() === name.toLowerCase())?.type;
  const ident = (name: string): string => googleSqlDialect.ident(detected.columns.get(name.toLowerCase()) ?? name);
  const used = [...requiredColumns.focus, ...optionalColumns.focus].filter((c) => nested.has(typeOf(c) ?? ""));
  const replace = used.length > 0 ? ` REPLACE (${used.map((c) => `TO_JSON_STRING(${ident(c)}) AS ${ident(c)}`).join(", ")})` : "";
  const start = typeOf("ChargePeriodStart") === "TIMESTAMP" ? ident("ChargePeriodStart") : `SAFE_CAST(${ident("ChargePeriodStart")} AS TIMESTAMP)`;
  const where = [`${start} >= ${windowStart}`, `${start} < ${windowEnd}`];
  let pruning: string;
  const partition = schema.partitionColumn;
  const billingType = partition?.toLowerCase() === "billingperiodstart" ? asType(typeOf(partition) ?? "", "DATE_TRUNC(@since, MONTH)") : null;
  if (schema.kind.includes("VIEW")) pruning = "a view: BigQuery applies the ChargePeriodStart window to the tables under it";
  else if (partition === undefined) pruning = "not partitioned: every row's columns read are scanned";
  else if (partition === null) pruning = "partitioned by ingestion time, which says nothing of the usage: every partition is scanned";
  else if (partition.toLowerCase() === "chargeperiodstart") pruning = "partitions pruned by the ChargePeriodStart window";
  else if (billingType && partition) {
    where.push(`${ident(partition)} >= ${billingType}`, `${ident(partition)} < ${asType(typeOf(partition)!, "DATE_ADD(@until, INTERVAL 1 DAY)")}`);
    pruning = "partitions pruned to the billing periods the window touches";
  } else pruning = `partitioned on ${partition}, which the window cannot bound: every partition is scanned`;
  const source = `SELECT *${replace} FROM \`${table}\`\n    WHERE ${where.join("\n      AND ")}`;
  const sql = gpuHoursSql({ source, detected, dialect: googleSqlDialect, window: { from: windowStart, to: windowEnd }, granularity, groupKeys });
  return { sql: `-- carbon-track: GPU hours from a FOCUS table (docs/exports.md)${sql}`, detected, pruning };
}

/** The client, the table's schema and the query, shared by the run and --dry-run. */
async function prepare(req: FocusTableRequest) {
  const name = parseFocusTable(req.table, "--focus-table");
  const jobProject = req.env.GOOGLE_CLOUD_PROJECT || name.project;
  const maximumBytesBilled = req.maximumBytesBilled ?? DEFAULT_MAXIMUM_BYTES_BILLED;
  const explain = (error: unknown) =>
    explainBigQueryError(error, { table: req.table, jobProject, maximumBytesBilled, redactor: req.redactor, option: "--focus-table" });
  const client = createBigQueryClient({ jobProject, location: req.location, env: req.env });
  const schema = await registerTokens(client, req.redactor)
    .then(() => tableSchema(client, name, req.http, req.signal))
    .catch((error: unknown) => {
      throw explain(error);
    });
  const query = focusTableQuery(req.table, schema, req.granularity, req.groupKeys);
  const request: QueryRequest = { sql: query.sql, dateParams: { since: req.since, until: req.until }, maximumBytesBilled, location: req.location };
  return { client, schema, query, request, jobProject, explain };
}

/** GPU hours from a FOCUS table in BigQuery, aggregated by BigQuery under the cost guard. */
export async function readFocusTable(req: FocusTableRequest): Promise<FocusTableUsage> {
  const { client, schema, query, request, explain } = await prepare(req);
  req.record?.("jobs.query", request);
  req.log.progress(`bigquery: querying ${req.table}`);
  const run = await runQuery(client, request, req.http, req.signal).catch((error: unknown) => {
    throw explain(error);
  });
  req.log.info(`bigquery: job ${run.jobId ?? "(no id)"}`);
  const usage = exportRows(run.rows as Record<string, unknown>[], req.granularity, "bigquery", req.groupKeys);
  const processed = run.bytesProcessed === undefined ? "an unreported amount" : gigabytes(run.bytesProcessed);
  usage.notes.unshift(
    `bigquery: ${query.detected.label} ${schema.kind.toLowerCase()} ${req.table}, ${query.pruning}`,
    `bigquery: job ${run.jobId ?? "?"} processed ${processed}${run.bytesBilled === undefined ? "" : `, billed ${gigabytes(run.bytesBilled)}`} (limit ${gigabytes(request.maximumBytesBilled)})`,
  );
  return { ...usage, requests: { ...schema.requests, ...run.requests } };
}

/** --dry-run: the table's schema and BigQuery's own dry run of the query (free: nothing runs, nothing is billed). */
export async function planFocusTable(req: FocusTableRequest): Promise<{ lines: string[]; requests: Record<string, number> }> {
  const { client, schema, query, request, jobProject, explain } = await prepare(req);
  const estimate = await dryRunQuery(client, request, req.http, req.signal).catch((error: unknown) => {
    throw explain(error);
  });
  const scanned = estimate.bytesProcessed === undefined ? "bytes scanned not reported" : `${gigabytes(estimate.bytesProcessed)} scanned`;
  return {
    lines: [
      `${query.detected.label} ${schema.kind.toLowerCase()} ${req.table}; ${query.pruning}`,
      `BigQuery jobs.query in project ${jobProject}: 1 job (${scanned} by the dry run; limit ${gigabytes(request.maximumBytesBilled)}), plus 1 request per poll and page`,
    ],
    requests: { ...schema.requests, ...estimate.requests },
  };
}
