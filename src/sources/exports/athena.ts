import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  type StartQueryExecutionCommandInput,
} from "@aws-sdk/client-athena";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import { z } from "zod";
import { ProviderError } from "../../errors.js";
import type { Logger } from "../../log.js";
import { checkAnswer } from "../../net/answer-shape.js";
import type { HttpPolicy } from "../../net/http-policy.js";
import { backoffMs } from "../aws/client.js";
import { boundedHandler } from "../aws/bounded-handler.js";
import { detectFormat, type Detected, type ExportFormat } from "./detect.js";
import { exportRows, type ExportUsage } from "./rows.js";
import { gpuHoursSql, trinoDialect } from "./sql.js";
import type { GroupKey } from "../../attribution/keys.js";

export interface AthenaRequest {
  /** `database.table`, checked by the option parser. */
  table: string;
  workgroup: string | null;
  output: string | null;
  format: ExportFormat | null;
  /** The window's first day and the day after its last, `YYYY-MM-DD`. */
  since: string;
  untilExclusive: string;
  granularity: "daily" | "hourly";
  /** --group-by keys, read from the table's tags. */
  groupKeys?: readonly GroupKey[];
  env: NodeJS.ProcessEnv;
  http: HttpPolicy;
  signal: AbortSignal;
  log: Logger;
  /** --audit: the query as sent (SQL and its execution parameters), for the pack's manifest. */
  record?(name: string, params: unknown): void;
}

export interface AthenaUsage extends ExportUsage {
  requests: Record<string, number>;
}

/** Athena's answers, checked before use: a proxy or a fake that answers something else is a clear failure. */
const Execution = z.object({
  QueryExecution: z.object({
    Status: z.object({
      State: z.enum(["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"]),
      StateChangeReason: z.string().optional(),
      AthenaError: z.object({ ErrorMessage: z.string().optional() }).optional(),
    }),
    Statistics: z.object({ DataScannedInBytes: z.number().optional() }).optional(),
  }),
});
const ResultsPage = z.object({
  ResultSet: z.object({
    Rows: z.array(z.object({ Data: z.array(z.object({ VarCharValue: z.string().optional() })) })),
    ResultSetMetadata: z.object({ ColumnInfo: z.array(z.object({ Name: z.string() })) }),
  }),
  NextToken: z.string().optional(),
});

/** Polling GetQueryExecution: from 250 ms, growing by half each time, to at most 5 s between two asks. */
const pollFirstMs = 250;
const pollMaxMs = 5_000;
/** A query still running after this long is given up (the run's own deadline is longer). */
const queryLimitMs = 10 * 60_000;

const sleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason as Error);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });

/** A double-quoted identifier: the table name is checked by the parser, and quoted anyway. */
const ident = (name: string): string => name.split(".").map((p) => `"${p.replaceAll('"', '""')}"`).join(".");

/** One Athena connection: queries run to their end and read whole (the reconciliation reads its carbon table with it too). */
export class Athena {
  readonly requests: Record<string, number> = {};
  private readonly client: AthenaClient;

  constructor(private readonly req: Pick<AthenaRequest, "workgroup" | "output" | "env" | "http" | "signal" | "log">) {
    // The SDK finds credentials and the endpoint (AWS_ENDPOINT_URL_ATHENA) itself; its retries take throttling.
    this.client = new AthenaClient({
      region: req.env.AWS_REGION ?? req.env.AWS_DEFAULT_REGION ?? "us-east-1",
      requestHandler: { requestTimeout: req.http.timeoutMs, connectionTimeout: req.http.timeoutMs, throwOnRequestTimeout: true },
      retryStrategy: new ConfiguredRetryStrategy(req.http.maxAttempts, (attempt) => backoffMs(req.http, attempt)),
    });
    type Handler = Parameters<typeof boundedHandler>[0];
    this.client.config.requestHandler = boundedHandler(this.client.config.requestHandler as unknown as Handler, req.http) as never;
  }

  private async send<T>(name: string, call: () => Promise<T>): Promise<T> {
    this.requests[name] = (this.requests[name] ?? 0) + 1;
    try {
      return await call();
    } catch (err) {
      if (this.req.signal.aborted) throw err;
      const e = err as { name?: string; message?: string };
      throw new ProviderError("athena", `${name}: ${e.name ?? "error"}: ${String(e.message ?? err).split("\n")[0]}`);
    }
  }

  /** Runs one query to its end; the values reach Athena as ExecutionParameters, never inside the text. */
  async query(sql: string, parameters: string[]): Promise<{ rows: Record<string, string | null>[]; columns: string[]; id: string; bytes: number }> {
    const input: StartQueryExecutionCommandInput = {
      QueryString: sql,
      WorkGroup: this.req.workgroup ?? undefined,
      ResultConfiguration: this.req.output ? { OutputLocation: this.req.output } : undefined,
      ExecutionParameters: parameters.length > 0 ? parameters : undefined,
    };
    const started = await this.send("StartQueryExecution", () => this.client.send(new StartQueryExecutionCommand(input), { abortSignal: this.req.signal }));
    const id = started.QueryExecutionId;
    if (!id) throw new ProviderError("athena", "StartQueryExecution answered without a QueryExecutionId");
    this.req.log.info(`athena: query ${id}`);
    let wait = pollFirstMs;
    const giveUp = Date.now() + queryLimitMs;
    for (;;) {
      const answer = await this.send("GetQueryExecution", () => this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }), { abortSignal: this.req.signal }));
      const checked = checkAnswer(Execution, answer);
      if (!checked.ok) throw new ProviderError("athena", `GetQueryExecution answer not understood: ${checked.why}`);
      const { Status, Statistics } = checked.data.QueryExecution;
      if (Status.State === "SUCCEEDED") {
        const bytes = Statistics?.DataScannedInBytes ?? 0;
        this.req.log.verbose(`athena: query ${id} scanned ${bytes} bytes`);
        return { ...(await this.results(id)), id, bytes };
      }
      if (Status.State === "FAILED" || Status.State === "CANCELLED") {
        const why = Status.AthenaError?.ErrorMessage ?? Status.StateChangeReason ?? "no reason given";
        throw new ProviderError("athena", `query ${id} ${Status.State.toLowerCase()}: ${why.split("\n")[0]}`);
      }
      if (Date.now() > giveUp) throw new ProviderError("athena", `query ${id} still ${Status.State.toLowerCase()} after ${queryLimitMs / 60_000} minutes`);
      await sleep(wait, this.req.signal);
      wait = Math.min(pollMaxMs, Math.round(wait * 1.5));
    }
  }

  /** Every page, 1,000 rows at a time; the first row of the first page is the header row. */
  private async results(id: string): Promise<{ rows: Record<string, string | null>[]; columns: string[] }> {
    const rows: Record<string, string | null>[] = [];
    let columns: string[] = [];
    let token: string | undefined;
    let first = true;
    do {
      const answer = await this.send("GetQueryResults", () =>
        this.client.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 1000, NextToken: token }), { abortSignal: this.req.signal }),
      );
      const checked = checkAnswer(ResultsPage, answer);
      if (!checked.ok) throw new ProviderError("athena", `GetQueryResults answer not understood: ${checked.why}`);
      const page = checked.data;
      columns = page.ResultSet.ResultSetMetadata.ColumnInfo.map((c) => c.Name);
      for (const [i, row] of page.ResultSet.Rows.entries()) {
        if (first && i === 0) continue;
        rows.push(Object.fromEntries(columns.map((c, j) => [c, row.Data[j]?.VarCharValue ?? null])));
      }
      first = false;
      token = page.NextToken;
    } while (token);
    return { rows, columns };
  }
}

/**
 * GPU hours from a CUR 2.0 or FOCUS table in Athena, aggregated by Athena. The format comes from a `LIMIT 0` query's
 * columns. The billing-period partition and the usage window are bound as ExecutionParameters, so the bytes scanned
 * follow the window; the latest delivery of each billing period is chosen by `"$path"` (an export written in
 * create-new mode keeps every delivery).
 */
export async function readAthena(req: AthenaRequest): Promise<AthenaUsage> {
  const athena = new Athena(req);
  const table = ident(req.table);
  const probe = await athena.query(`SELECT * FROM ${table} LIMIT 0`, []);
  const detected: Detected = detectFormat(probe.columns, req.format, `--athena-table ${req.table}`);
  const partition = detected.columns.get("billing_period");
  const parameters: string[] = [];
  let source = `SELECT * FROM ${table}`;
  if (partition) {
    const p = `"${partition}"`;
    source = `SELECT * FROM (
      SELECT s.*, regexp_extract("$path", '^(.*)/', 1) AS ct_delivery,
        max(regexp_extract("$path", '^(.*)/', 1)) OVER (PARTITION BY ${p}) AS ct_latest
      FROM ${table} s WHERE ${p} BETWEEN ? AND ?) WHERE ct_delivery = ct_latest`;
    parameters.push(`'${req.since.slice(0, 7)}'`, `'${req.untilExclusive.slice(0, 7)}'`);
  }
  parameters.push(`'${req.since}T00:00:00Z'`, `'${req.untilExclusive}T00:00:00Z'`);
  const sql = gpuHoursSql({
    source,
    detected,
    dialect: trinoDialect,
    window: { from: "from_iso8601_timestamp(?)", to: "from_iso8601_timestamp(?)" },
    granularity: req.granularity,
    groupKeys: req.groupKeys,
  });
  req.record?.("StartQueryExecution", { table: req.table, workgroup: req.workgroup, output: req.output, sql, parameters });
  const result = await athena.query(sql, parameters);
  const usage = exportRows(result.rows, req.granularity, "athena", req.groupKeys);
  usage.notes.unshift(`athena: ${detected.label} table ${req.table}, ${result.bytes} bytes scanned`);
  if (!partition) usage.warnings.push(`athena: ${req.table} has no billing_period partition: every delivery is read and the whole table scanned`);
  return { ...usage, requests: athena.requests };
}
