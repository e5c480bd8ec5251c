import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";

/**
 * A loopback Athena speaking JSON 1.1 (POST /, X-Amz-Target AmazonAthena.<Operation>), backed by a real SQL engine:
 * DuckDB, with the few Trino functions the queries use defined as macros and each table a view carrying the
 * `"$path"` pseudo-column of the files it reads. A query is QUEUED at its first GetQueryExecution, RUNNING at the
 * second, and runs at the third (SUCCEEDED, or FAILED with the engine's message). `?` placeholders take the
 * ExecutionParameters as Athena does: each value is SQL text put in place of the next `?` outside quotes.
 */
export interface FakeAthenaOptions {
  /** `database.table` → the Parquet files (hive-partitioned) it holds. */
  tables: Record<string, string[]>;
  /** StartQueryExecution answers TooManyRequestsException this many times first. */
  throttleStarts?: number;
}

export interface AthenaCall {
  operation: string;
  body: Record<string, unknown>;
}

export interface FakeAthena {
  url: string;
  calls: AthenaCall[];
  /** The query texts and their parameters, as received. */
  queries: { sql: string; parameters: string[] }[];
  close(): Promise<void>;
}

interface Query {
  sql: string;
  parameters: string[];
  polls: number;
  state: "QUEUED" | "RUNNING" | "SUCCEEDED" | "FAILED";
  error?: string;
  columns: string[];
  rows: (string | null)[][];
}

const trinoShims = [
  "CREATE MACRO regexp_like(s, p) AS regexp_matches(s, p)",
  // Trino's bracket member `$["aws:eks:cluster-name"]` is DuckDB's quoted member `$."aws:eks:cluster-name"`.
  `CREATE MACRO json_extract_scalar(j, p) AS json_extract_string(j, regexp_replace(p, '^\\$\\["(.*)"\\]$', '$."\\1"'))`,
  "CREATE MACRO from_iso8601_timestamp(s) AS CAST(s AS TIMESTAMPTZ)",
  "CREATE MACRO array_join(a, sep) AS array_to_string(a, sep)",
];

/** Puts each parameter in place of the next `?` that is outside a quoted string or identifier. */
function bind(sql: string, parameters: string[]): string {
  let out = "";
  let quote: string | null = null;
  let next = 0;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === "?") {
      if (next >= parameters.length) throw new Error("more placeholders than ExecutionParameters");
      out += parameters[next++];
    } else out += ch;
  }
  if (next !== parameters.length) throw new Error("more ExecutionParameters than placeholders");
  return out;
}

const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** A run's environment for the fake: explicit test keys (no credential chain, no metadata address), fast retries. */
export const athenaTestEnv = (url: string, secret = "athena-test-secret"): Record<string, string> => ({
  AWS_ACCESS_KEY_ID: "AKIDATHENATEST",
  AWS_SECRET_ACCESS_KEY: secret,
  AWS_REGION: "us-east-1",
  AWS_ENDPOINT_URL_ATHENA: url,
  AWS_EC2_METADATA_DISABLED: "true",
  CARBON_TRACK_RETRY_BASE_MS: "20",
});

export async function startFakeAthena(options: FakeAthenaOptions): Promise<FakeAthena> {
  const instance = await DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false", autoload_known_extensions: "false" });
  const conn: DuckDBConnection = await instance.connect();
  await conn.run("SET TimeZone = 'UTC'");
  for (const s of trinoShims) await conn.run(s);
  for (const [name, files] of Object.entries(options.tables)) {
    const [db, table] = name.split(".");
    await conn.run(`CREATE SCHEMA IF NOT EXISTS "${db}"`);
    await conn.run(
      `CREATE VIEW "${db}"."${table}" AS SELECT * EXCLUDE (filename), filename AS "$path" FROM read_parquet([${files.map(lit).join(", ")}], hive_partitioning = true, filename = true)`,
    );
  }
  const calls: AthenaCall[] = [];
  const queries: FakeAthena["queries"] = [];
  const executions = new Map<string, Query>();
  let throttles = options.throttleStarts ?? 0;
  let seq = 0;

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { "content-type": "application/x-amz-json-1.1" });
    res.end(JSON.stringify(body));
  };
  const invalid = (res: ServerResponse, message: string): void => send(res, 400, { __type: "InvalidRequestException", Message: message, AthenaErrorCode: "INVALID_INPUT" });

  async function run(q: Query): Promise<void> {
    try {
      const result = await conn.runAndReadAll(bind(q.sql, q.parameters));
      q.columns = result.columnNames();
      q.rows = result.getRowsJS().map((row) => row.map((v) => (v === null || v === undefined ? null : Array.isArray(v) ? JSON.stringify(v) : String(v))));
      q.state = "SUCCEEDED";
    } catch (err) {
      q.state = "FAILED";
      q.error = String((err as Error).message).split("\n")[0];
    }
  }

  async function handle(op: string, body: Record<string, unknown>, res: ServerResponse): Promise<void> {
    if (op === "StartQueryExecution") {
      if (throttles > 0) {
        throttles--;
        return send(res, 400, { __type: "TooManyRequestsException", Message: "Rate exceeded", Reason: "CONCURRENT_QUERY_LIMIT_EXCEEDED" });
      }
      const sql = body.QueryString;
      if (typeof sql !== "string" || sql.length === 0) return invalid(res, "QueryString must not be empty");
      const parameters = (body.ExecutionParameters as string[] | undefined) ?? [];
      queries.push({ sql, parameters });
      const id = `q-${String(++seq).padStart(4, "0")}`;
      executions.set(id, { sql, parameters, polls: 0, state: "QUEUED", columns: [], rows: [] });
      return send(res, 200, { QueryExecutionId: id });
    }
    const q = executions.get(String(body.QueryExecutionId));
    if (!q) return invalid(res, "QueryExecution not found");
    if (op === "GetQueryExecution") {
      q.polls++;
      if (q.state !== "SUCCEEDED" && q.state !== "FAILED") {
        if (q.polls === 2) q.state = "RUNNING";
        if (q.polls >= 3) await run(q);
      }
      const status: Record<string, unknown> = { State: q.state };
      if (q.state === "FAILED") {
        status.StateChangeReason = q.error;
        status.AthenaError = { ErrorCategory: 2, ErrorType: 1006, Retryable: false, ErrorMessage: q.error };
      }
      return send(res, 200, {
        QueryExecution: { QueryExecutionId: body.QueryExecutionId, Query: q.sql, Status: status, Statistics: { DataScannedInBytes: q.state === "SUCCEEDED" ? 1234 : 0 } },
      });
    }
    if (op === "GetQueryResults") {
      if (q.state !== "SUCCEEDED") return invalid(res, `Query has not yet finished. Current state: ${q.state}`);
      const max = Number(body.MaxResults ?? 1000);
      if (!(max >= 1 && max <= 1000)) return invalid(res, "MaxResults must be 1-1000");
      // The header row is the first row of the first page: the data rows are numbered after it.
      const all = [q.columns, ...q.rows];
      const from = body.NextToken ? Number(body.NextToken) : 0;
      const page = all.slice(from, from + max);
      const next = from + max < all.length ? String(from + max) : undefined;
      return send(res, 200, {
        ResultSet: {
          Rows: page.map((r) => ({ Data: r.map((v) => (v === null ? {} : { VarCharValue: v })) })),
          ResultSetMetadata: { ColumnInfo: q.columns.map((c) => ({ Name: c, Label: c, Type: "varchar" })) },
        },
        ...(next ? { NextToken: next } : {}),
      });
    }
    return send(res, 400, { __type: "UnknownOperationException", Message: op });
  }

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let text = "";
    req.on("data", (d: Buffer) => (text += d.toString()));
    req.on("end", () => {
      const op = String(req.headers["x-amz-target"] ?? "").replace(/^AmazonAthena\./, "");
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      calls.push({ operation: op, body });
      handle(op, body, res).catch((err: unknown) => send(res, 500, { __type: "InternalServerException", Message: String(err) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    queries,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        conn.closeSync();
        instance.closeSync();
      }),
  };
}
