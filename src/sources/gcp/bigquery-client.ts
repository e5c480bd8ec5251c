import { randomUUID } from "node:crypto";
import { BigQuery } from "@google-cloud/bigquery";
import { z } from "zod";
import { ProviderError } from "../../errors.js";
import type { Redactor } from "../../text/redact.js";
import { checkAnswer } from "../../net/answer-shape.js";
import type { HttpPolicy } from "../../net/http-policy.js";
import { CallAttempts } from "./attempts.js";
import { isTransientBigQueryError } from "./errors.js";

/** A query job that is still running after this long is given up (its id is named so it can be inspected). */
export const QUERY_DEADLINE_MS = 5 * 60_000;

export interface ClientOptions {
  /** The project the query job runs (and is billed) in. */
  jobProject: string;
  location: string | undefined;
  env: NodeJS.ProcessEnv;
}

/**
 * The client reads Application Default Credentials; the two variables it would read from the process
 * environment are passed from the run's environment instead, so a caller controls them:
 * BIGQUERY_EMULATOR_HOST (another host, as for tests) and GOOGLE_APPLICATION_CREDENTIALS.
 * The library's own retries are off: it cannot bound an attempt in time (node-fetch 3 ignores the timeout it
 * passes, googleapis/google-cloud-node#7998), so runQuery repeats calls itself (CallAttempts), each attempt
 * bounded, paced and counted by the HttpPolicy.
 */
export function createBigQueryClient(opts: ClientOptions): BigQuery {
  return new BigQuery({
    projectId: opts.jobProject,
    location: opts.location,
    apiEndpoint: opts.env.BIGQUERY_EMULATOR_HOST || undefined,
    keyFilename: opts.env.GOOGLE_APPLICATION_CREDENTIALS || undefined,
    retryOptions: { autoRetry: false, maxRetries: 0 },
  });
}

/**
 * Registers every access token the client's credentials obtain (the token exchange's answer) with the redactor,
 * before the first request is sent. Loading the credentials reads their file; it sends nothing.
 */
export async function registerTokens(client: BigQuery, redactor: Redactor): Promise<void> {
  const credentials = await client.authClient.getClient();
  credentials.on("tokens", (tokens: { access_token?: string | null }) => {
    if (tokens.access_token) redactor.add(tokens.access_token);
  });
}

type Interceptor = BigQuery["interceptors"][number];
type RequestOptions = Parameters<BigQuery["request"]>[0];

/**
 * The parts of a jobs.query / getQueryResults answer this tool reads. `jobComplete` is in every answer the
 * service sends, so an answer without it (an empty body, an HTML page, another API's object) is not a result.
 * Rows are `{f: [{v}]}` cells under the schema.
 */
const QueryResponse = z.object({
  jobComplete: z.boolean(),
  jobReference: z.object({ jobId: z.string().min(1), location: z.string().nullish() }).passthrough().optional(),
  schema: z.object({ fields: z.array(z.object({ name: z.string(), type: z.string() }).passthrough()) }).passthrough().optional(),
  rows: z.array(z.object({ f: z.array(z.object({ v: z.unknown() }).passthrough()) }).passthrough()).optional(),
  pageToken: z.string().optional(),
  totalBytesProcessed: z.string().regex(/^\d+$/).optional(),
  totalBytesBilled: z.string().regex(/^\d+$/).optional(),
  cacheHit: z.boolean().optional(),
});
type QueryResponse = z.infer<typeof QueryResponse>;

export interface QueryRequest {
  sql: string;
  /** Sent as DATE parameters. */
  dateParams: Record<string, string>;
  /** Sent as STRING parameters (label names). */
  stringParams?: Record<string, string>;
  maximumBytesBilled: number;
  location: string | undefined;
}

export interface QueryRun {
  rows: unknown[];
  jobId: string | undefined;
  bytesProcessed: number | undefined;
  bytesBilled: number | undefined;
  cacheHit: boolean;
  /** API calls made, by method: jobs.query once, jobs.getQueryResults per poll and per page. */
  requests: Record<string, number>;
}

type Method = "jobs.query" | "jobs.getQueryResults";

function methodOf(uri: string): Method | "other" {
  const path = uri.split("?")[0] ?? "";
  if (/\/queries\/[^/]+$/.test(path)) return "jobs.getQueryResults";
  if (/\/queries$/.test(path)) return "jobs.query";
  return "other";
}

/** One REST call through the client (its credentials, endpoint and interceptors); the parsed body, unchecked. */
export function call(client: BigQuery, options: RequestOptions): Promise<unknown> {
  return new Promise((resolve, reject) => {
    client.request(options, (error: Error | null, body: unknown) => (error ? reject(error) : resolve(body)));
  });
}

/** An answer of the shape a query result has, or a failure naming what is wrong: never an empty result. */
function checked(body: unknown, method: Method): QueryResponse {
  const answer = checkAnswer(QueryResponse, body);
  if (!answer.ok) throw new ProviderError("gcp", `BigQuery answered ${method} with HTTP 200 and a body that is not a query result (${answer.why})`);
  const { data } = answer;
  const needsJob = !data.jobComplete || data.pageToken !== undefined;
  if (needsJob && !data.jobReference) throw new ProviderError("gcp", `BigQuery answered ${method} with HTTP 200 and a body that is not a query result (jobReference missing)`);
  if (data.rows?.length && !data.schema) throw new ProviderError("gcp", `BigQuery answered ${method} with HTTP 200 and a body that is not a query result (schema missing)`);
  return data;
}

/**
 * Runs one query through jobs.query, then polls getQueryResults while the job runs and follows pageToken until
 * the last page. The calls are made here, through the client's authenticated request, rather than by its
 * query helpers: every answer is checked before anything reads it (the helpers dereference a missing job
 * reference in a callback, which crashed the run), and the answer's statistics (bytes processed) stay visible.
 * Every call is bounded by the policy's timeout and repeated when it failed transiently: jobs.query carries
 * one requestId on every attempt, so BigQuery answers a repeat with the job it already started; polls and
 * pages are reads.
 */
export async function runQuery(client: BigQuery, request: QueryRequest, http: HttpPolicy, signal: AbortSignal): Promise<QueryRun> {
  const requests: Record<string, number> = {};
  const countRequests: Interceptor = {
    request(reqOpts) {
      const method = methodOf("uri" in reqOpts ? String(reqOpts.uri) : "");
      requests[method] = (requests[method] ?? 0) + 1;
      return reqOpts as ReturnType<Interceptor["request"]>;
    },
  };
  client.interceptors.push(countRequests);
  const attempts = new CallAttempts({ http, signal, isTransient: isTransientBigQueryError, owns: (path) => methodOf(path) !== "other" });
  try {
    return await walkPages(client, request, attempts, requests);
  } finally {
    attempts.close();
  }
}

/**
 * The query as a dry run (jobs.query with dryRun): BigQuery checks it and says how many bytes it would scan,
 * runs nothing and bills nothing. One request, bounded and repeated like the run's own.
 */
export async function dryRunQuery(
  client: BigQuery,
  request: QueryRequest,
  http: HttpPolicy,
  signal: AbortSignal,
): Promise<{ bytesProcessed: number | undefined; requests: Record<string, number> }> {
  const requests: Record<string, number> = {};
  const attempts = new CallAttempts({ http, signal, isTransient: isTransientBigQueryError, owns: (path) => methodOf(path) !== "other" });
  try {
    const body = { ...queryBody(request), dryRun: true };
    const answer = await attempts.run(async () => {
      requests["jobs.query (dry run)"] = (requests["jobs.query (dry run)"] ?? 0) + 1;
      return call(client, { method: "POST", uri: "/queries", json: body });
    });
    const checkedAnswer = checkAnswer(QueryResponse, answer);
    if (!checkedAnswer.ok) throw new ProviderError("gcp", `BigQuery answered the dry run with HTTP 200 and a body that is not a query result (${checkedAnswer.why})`);
    const bytes = checkedAnswer.data.totalBytesProcessed;
    return { bytesProcessed: bytes === undefined ? undefined : Number(bytes), requests };
  } finally {
    attempts.close();
  }
}

/** The jobs.query body the run and the dry run send alike. */
function queryBody(request: QueryRequest) {
  return {
    query: request.sql,
    useLegacySql: false,
    parameterMode: "NAMED",
    queryParameters: [
      ...Object.entries(request.dateParams).map(([name, day]) => ({ name, parameterType: { type: "DATE" }, parameterValue: { value: day } })),
      ...Object.entries(request.stringParams ?? {}).map(([name, text]) => ({ name, parameterType: { type: "STRING" }, parameterValue: { value: text } })),
    ],
    maximumBytesBilled: String(request.maximumBytesBilled),
    location: request.location,
    formatOptions: { useInt64Timestamp: true },
    requestId: randomUUID(),
  };
}

async function walkPages(client: BigQuery, request: QueryRequest, attempts: CallAttempts, requests: Record<string, number>): Promise<QueryRun> {
  const deadline = Date.now() + QUERY_DEADLINE_MS;
  const rows: unknown[] = [];
  const run: QueryRun = { rows, jobId: undefined, bytesProcessed: undefined, bytesBilled: undefined, cacheHit: false, requests };
  const body = queryBody(request);
  let page = await attempts.run(async () => checked(await call(client, { method: "POST", uri: "/queries", json: body }), "jobs.query"));
  for (;;) {
    const { jobComplete, jobReference, totalBytesProcessed, totalBytesBilled, cacheHit } = page;
    run.jobId ??= jobReference?.jobId;
    if (jobComplete) {
      if (page.rows?.length) rows.push(...BigQuery.mergeSchemaWithRows_(page.schema, page.rows, { wrapIntegers: false, parseJSON: false }));
      if (totalBytesProcessed !== undefined) run.bytesProcessed = Number(totalBytesProcessed);
      if (totalBytesBilled !== undefined) run.bytesBilled = Number(totalBytesBilled);
      if (cacheHit !== undefined) run.cacheHit = cacheHit;
      if (page.pageToken === undefined) return run;
    } else if (Date.now() > deadline) {
      throw new ProviderError("gcp", `query job ${run.jobId ?? "(unknown id)"} was still running after ${QUERY_DEADLINE_MS / 60_000} minutes`);
    }
    // checked() made sure a job to poll or page is named.
    const job = jobReference!;
    const qs = {
      location: job.location ?? request.location,
      "formatOptions.useInt64Timestamp": true,
      ...(jobComplete ? { pageToken: page.pageToken } : {}),
    };
    page = await attempts.run(async () => checked(await call(client, { uri: `/queries/${encodeURIComponent(job.jobId)}`, qs }), "jobs.getQueryResults"));
  }
}
