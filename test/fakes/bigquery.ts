import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { runExportSql, type ExportLine } from "./bigquery-sql.js";
import { checkQueryRequest, dateParam, rebase } from "./bigquery-billing.js";
export { checkQueryRequest };
import { checkFocusRequest, focusParameters, type FocusEngine } from "./bigquery-focus.js";

/**
 * A loopback BigQuery speaking the REST calls the Node client makes for a query: `POST …/projects/<p>/queries`
 * (jobs.query) and `GET …/projects/<p>/queries/<jobId>` (getQueryResults), with or without the `/bigquery/v2`
 * prefix (BIGQUERY_EMULATOR_HOST drops it, an apiEndpoint option keeps it). It also answers the STS token
 * exchange (`POST /token`) that an external_account credential file points at.
 *
 * With a fixture it does not run SQL: it checks the SQL it receives (partition and usage_start_time filters,
 * grouping by day, named date parameters, no date literals) and answers the fixture's aggregate rows as the query
 * would, as f/v cells under a schema, pageToken paging and a job that is not complete on the first answers. Given
 * export `lines` instead, it runs the SQL itself over them (bigquery-sql.ts: DuckDB, the BigQuery constructs
 * translated) and answers what it returns.
 * With `focus` (bigquery-focus.ts) it answers tables.get for FOCUS tables and really runs the GoogleSQL it is sent,
 * translated to DuckDB; the same paging, polling and injected errors apply.
 */

export interface Column {
  name: string;
  type: "STRING" | "FLOAT" | "INTEGER" | "BOOLEAN";
}

export interface AggregateFixture {
  schema: Column[];
  /** Cells as BigQuery's JSON carries them: strings or null. */
  rows: Array<Record<string, string | null>>;
  totalBytesProcessed: string;
}

export interface InjectedError {
  on: "query" | "getQueryResults" | "tables.get";
  /** 0: never answer (the client's timeout must end the call). */
  status: number;
  reason: string;
  message: string;
  /** Consecutive failing calls. */
  times: number;
}

export interface BigQueryFakeOptions {
  fixture?: AggregateFixture;
  /** FOCUS tables and an engine that runs the queries on them (instead of a fixture). */
  focus?: FocusEngine;
  /** What a FOCUS query says it processed (and bills): 50 MB unless said. */
  focusBytes?: number;
  /** Rows per page. */
  pageSize?: number;
  /** How many answers say jobComplete: false (jobs.query first, then polls). */
  incompleteAnswers?: number;
  errors?: InjectedError[];
  /** The bucket the SQL must group by. */
  bucket?: "DAY" | "HOUR";
  /** Moves the fixture's days so the first falls on @since: for runs whose window follows the clock. */
  rebaseToSince?: boolean;
  /** Checks a query other than the billing export's (default: checkQueryRequest); each miss is one line. */
  checkRequest?: (body: Record<string, unknown>) => string[];
  /** Answers a query's rows from its request (e.g. by running its SQL on a fixture) instead of fixture.rows. */
  answer?: (body: Record<string, unknown>) => Promise<AggregateFixture["rows"]>;
  /** Export lines to run each query's SQL over, instead of answering the fixture's rows. */
  lines?: ExportLine[];
}

export interface RecordedCall {
  method: string;
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown> | undefined;
  authorization: string | undefined;
}

export interface BigQueryFake {
  url: string;
  calls: RecordedCall[];
  /** Problems found in the SQL or parameters of each jobs.query call (empty when it was right). */
  sqlProblems: string[][];
  /** Requests left unanswered (status 0) whose connection the client has not closed yet. */
  readonly hungOpen: number;
  close(): Promise<void>;
}

export const fakeAccessToken = "ya29.fake-bigquery-token-DO-NOT-PRINT";

export const loadAggregateFixture = (path: string): AggregateFixture => JSON.parse(readFileSync(path, "utf8")) as AggregateFixture;

const readBody = (req: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    let data = "";
    req.on("data", (chunk: Buffer) => (data += chunk.toString()));
    req.on("end", () => resolve(data));
    req.on("error", reject);
  });

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8" });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, reason: string, message: string): void {
  send(res, status, { error: { code: status, message, errors: [{ message, domain: "global", reason }], status: reason } });
}

export async function startBigQueryFake(opts: BigQueryFakeOptions): Promise<BigQueryFake> {
  const calls: RecordedCall[] = [];
  const sqlProblems: string[][] = [];
  const pageSize = opts.pageSize ?? 1000;
  const errors = (opts.errors ?? []).map((e) => ({ ...e }));
  let incomplete = opts.incompleteAnswers ?? 0;
  let jobs = 0;
  const jobRows = new Map<string, { schema: Column[]; rows: AggregateFixture["rows"]; bytes: string }>();
  const hung = new Set<IncomingMessage["socket"]>();
  const hang = (req: IncomingMessage): void => {
    hung.add(req.socket);
    req.socket.once("close", () => hung.delete(req.socket));
  };

  const page = (jobId: string, projectId: string, offset: number): Record<string, unknown> => {
    const { schema, rows, bytes } = jobRows.get(jobId) ?? { schema: [], rows: [], bytes: "0" };
    const slice = rows.slice(offset, offset + pageSize);
    const next = offset + pageSize < rows.length ? `page-${offset + pageSize}` : undefined;
    return {
      kind: "bigquery#getQueryResultsResponse",
      jobReference: { projectId, jobId, location: "US" },
      jobComplete: true,
      schema: { fields: schema.map((c) => ({ name: c.name, type: c.type, mode: "NULLABLE" })) },
      rows: slice.map((row) => ({ f: schema.map((c) => ({ v: row[c.name] ?? null })) })),
      totalRows: String(rows.length),
      totalBytesProcessed: bytes,
      totalBytesBilled: bytes,
      cacheHit: false,
      ...(next ? { pageToken: next } : {}),
    };
  };

  const takeError = (on: InjectedError["on"]): InjectedError | undefined => {
    const e = errors.find((x) => x.on === on && x.times > 0);
    if (e) e.times -= 1;
    return e;
  };

  /**
   * A FOCUS query: the request's shape is checked (named DATE parameters, no date in the text, the cost guard),
   * then the SQL runs; an engine error is BigQuery's invalidQuery. A dry run answers the bytes without running.
   */
  async function answerFocusQuery(projectId: string, body: Record<string, unknown>, req: IncomingMessage, res: ServerResponse, focus: FocusEngine): Promise<void> {
    const problems = checkFocusRequest(body);
    sqlProblems.push(problems);
    if (problems.length > 0) return sendError(res, 400, "invalidQuery", `fake: ${problems.join("; ")}`);
    const injected = takeError("query");
    if (injected?.status === 0) return hang(req);
    if (injected) return sendError(res, injected.status, injected.reason, injected.message);
    const bytes = opts.focusBytes ?? 50_000_000;
    if (bytes > Number(body.maximumBytesBilled)) {
      return sendError(res, 400, "bytesBilledLimitExceeded", `Query exceeded limit for bytes billed: ${String(body.maximumBytesBilled)}. ${bytes} or higher required.`);
    }
    if (body.dryRun === true) return send(res, 200, { kind: "bigquery#queryResponse", jobComplete: true, totalBytesProcessed: String(bytes), cacheHit: false });
    const parameters = Object.fromEntries(focusParameters(body).map((p) => [p.name, String(p.parameterValue?.value)]));
    let result: Awaited<ReturnType<FocusEngine["run"]>>;
    try {
      result = await focus.run(String(body.query), parameters);
    } catch (err) {
      return sendError(res, 400, "invalidQuery", String((err as Error).message).split("\n")[0]!);
    }
    const jobId = `job_fake_${++jobs}`;
    jobRows.set(jobId, { schema: result.schema as Column[], rows: result.rows, bytes: String(bytes) });
    if (incomplete > 0) {
      incomplete -= 1;
      return send(res, 200, { kind: "bigquery#queryResponse", jobReference: { projectId, jobId, location: "US" }, jobComplete: false });
    }
    return send(res, 200, { ...page(jobId, projectId, 0), kind: "bigquery#queryResponse" });
  }

  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://127.0.0.1");
      const text = await readBody(req);
      const path = url.pathname.replace(/^\/bigquery\/v2/, "");
      let body: Record<string, unknown> | undefined;
      if (text && (req.headers["content-type"] ?? "").includes("json")) body = JSON.parse(text) as Record<string, unknown>;
      calls.push({ method: req.method ?? "", path, query: url.searchParams, body, authorization: req.headers.authorization });

      if (req.method === "POST" && path === "/token") {
        send(res, 200, { access_token: fakeAccessToken, issued_token_type: "urn:ietf:params:oauth:token-type:access_token", token_type: "Bearer", expires_in: 3600 });
        return;
      }
      if (req.headers.authorization !== `Bearer ${fakeAccessToken}`) {
        sendError(res, 401, "unauthorized", "Request is missing required authentication credential.");
        return;
      }
      const table = path.match(/^\/projects\/([^/]+)\/datasets\/([^/]+)\/tables\/([^/]+)$/);
      if (req.method === "GET" && table && opts.focus) {
        const injected = takeError("tables.get");
        if (injected?.status === 0) return hang(req);
        if (injected) return sendError(res, injected.status, injected.reason, injected.message);
        const [, project, dataset, name] = table.map(decodeURIComponent);
        const metadata = opts.focus.metadata(project!, dataset!, name!);
        return metadata ? send(res, 200, metadata) : sendError(res, 404, "notFound", `Not found: Table ${project}:${dataset}.${name}`);
      }
      const query = path.match(/^\/projects\/([^/]+)\/queries$/);
      if (req.method === "POST" && query?.[1] && body && opts.focus) return answerFocusQuery(query[1], body, req, res, opts.focus);
      if (req.method === "POST" && query?.[1] && body && opts.fixture) {
        const problems = opts.checkRequest ? opts.checkRequest(body) : checkQueryRequest(body, opts.bucket ?? "DAY");
        sqlProblems.push(problems);
        if (problems.length > 0) return sendError(res, 400, "invalidQuery", `fake: ${problems.join("; ")}`);
        const injected = takeError("query");
        if (injected?.status === 0) return hang(req);
        if (injected) return sendError(res, injected.status, injected.reason, injected.message);
        // A dry run (--dry-run's estimate) starts no job and bills nothing: it says what the query would scan.
        if (body.dryRun === true) {
          return send(res, 200, { kind: "bigquery#queryResponse", jobComplete: true, totalBytesProcessed: opts.fixture.totalBytesProcessed, cacheHit: false });
        }
        const jobId = `job_fake_${++jobs}`;
        const since = dateParam(body, "since") ?? "";
        const fixture = opts.fixture;
        const bytes = fixture.totalBytesProcessed;
        if (opts.lines) {
          const answer = await runExportSql(opts.lines, body);
          jobRows.set(jobId, { schema: answer.schema, rows: answer.rows, bytes });
        } else {
          const rows = opts.answer ? await opts.answer(body) : opts.rebaseToSince ? rebase(fixture.rows, since) : fixture.rows;
          jobRows.set(jobId, { schema: fixture.schema, rows, bytes });
        }
        if (incomplete > 0) {
          incomplete -= 1;
          return send(res, 200, { kind: "bigquery#queryResponse", jobReference: { projectId: query[1], jobId, location: "US" }, jobComplete: false });
        }
        return send(res, 200, { ...page(jobId, query[1], 0), kind: "bigquery#queryResponse" });
      }
      const results = path.match(/^\/projects\/([^/]+)\/queries\/([^/]+)$/);
      if (req.method === "GET" && results?.[1] && results[2]) {
        const injected = takeError("getQueryResults");
        if (injected?.status === 0) return hang(req);
        if (injected) return sendError(res, injected.status, injected.reason, injected.message);
        if (!jobRows.has(results[2])) return sendError(res, 404, "notFound", `Not found: Job ${results[1]}:${results[2]}`);
        if (incomplete > 0) {
          incomplete -= 1;
          return send(res, 200, { kind: "bigquery#getQueryResultsResponse", jobReference: { projectId: results[1], jobId: results[2] }, jobComplete: false });
        }
        const token = url.searchParams.get("pageToken");
        const offset = token ? Number(token.replace("page-", "")) : 0;
        return send(res, 200, page(results[2], results[1], offset));
      }
      sendError(res, 404, "notFound", `fake: no route for ${req.method} ${path}`);
    })().catch((e: unknown) => sendError(res, 500, "backendError", String(e)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    sqlProblems,
    get hungOpen() {
      return hung.size;
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
