import { randomUUID } from "node:crypto";
import { BigQuery, type QueryRowsResponse } from "@google-cloud/bigquery";
import { z } from "zod";
import { ProviderError } from "../../errors.js";
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

type Interceptor = BigQuery["interceptors"][number];

/** The parts of a jobs.query / getQueryResults answer this tool reads. */
const QueryResponse = z.object({
  jobComplete: z.boolean().optional(),
  jobReference: z.object({ jobId: z.string().optional() }).passthrough().optional(),
  totalBytesProcessed: z.string().regex(/^\d+$/).optional(),
  totalBytesBilled: z.string().regex(/^\d+$/).optional(),
  cacheHit: z.boolean().optional(),
});

export interface QueryRequest {
  sql: string;
  /** Sent as DATE parameters. */
  dateParams: Record<string, string>;
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

function methodOf(uri: string): string {
  const path = uri.split("?")[0] ?? "";
  if (/\/queries\/[^/]+$/.test(path)) return "jobs.getQueryResults";
  if (/\/queries$/.test(path)) return "jobs.query";
  return "other";
}

/** Pins jobs.query's requestId, which the library draws afresh for every call, so a repeated call is the same query. */
function pinRequestId(requestId: string): Interceptor {
  return {
    request(reqOpts) {
      const json = "json" in reqOpts ? (reqOpts.json as Record<string, unknown> | undefined) : undefined;
      if (json && typeof json === "object" && "requestId" in json) json.requestId = requestId;
      return reqOpts as ReturnType<Interceptor["request"]>;
    },
  };
}

/**
 * Runs one query through the jobs.query fast path, then polls getQueryResults while the job runs and
 * follows pageToken until the last page. Pages are walked here rather than by the library so that the
 * answer's statistics (bytes processed) stay visible, and so an interrupted run stops between pages.
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
  client.interceptors.push(countRequests, pinRequestId(randomUUID()));
  const attempts = new CallAttempts({ http, signal, isTransient: isTransientBigQueryError, owns: (path) => methodOf(path) !== "other" });
  try {
    return await walkPages(client, request, attempts, requests);
  } finally {
    attempts.close();
  }
}

async function walkPages(client: BigQuery, request: QueryRequest, attempts: CallAttempts, requests: Record<string, number>): Promise<QueryRun> {
  const deadline = Date.now() + QUERY_DEADLINE_MS;
  const rows: unknown[] = [];
  const run: QueryRun = { rows, jobId: undefined, bytesProcessed: undefined, bytesBilled: undefined, cacheHit: false, requests };
  // Typed for the autoPaginate default; with autoPaginate false the client answers [rows, nextQuery, response].
  // A plain string with `types: {x: "DATE"}` is sent without its value: the client wants its own date objects.
  const params = Object.fromEntries(Object.entries(request.dateParams).map(([name, day]) => [name, BigQuery.date(day)]));
  const query = { query: request.sql, params, maximumBytesBilled: String(request.maximumBytesBilled), location: request.location };
  let page = (await attempts.run(() => client.query(query, { autoPaginate: false }))) as unknown as QueryRowsResponse;
  for (;;) {
    const [pageRows, next, raw] = page;
    rows.push(...pageRows);
    const response = QueryResponse.safeParse(raw ?? {});
    if (!response.success) throw new ProviderError("gcp", "BigQuery answered a query with an unexpected body");
    const { jobComplete, jobReference, totalBytesProcessed, totalBytesBilled, cacheHit } = response.data;
    run.jobId ??= jobReference?.jobId;
    if (jobComplete !== false) {
      if (totalBytesProcessed !== undefined) run.bytesProcessed = Number(totalBytesProcessed);
      if (totalBytesBilled !== undefined) run.bytesBilled = Number(totalBytesBilled);
      if (cacheHit !== undefined) run.cacheHit = cacheHit;
    }
    if (!next) return run;
    if (Date.now() > deadline) {
      throw new ProviderError("gcp", `query job ${run.jobId ?? "(unknown id)"} was still running after ${QUERY_DEADLINE_MS / 60_000} minutes`);
    }
    const job = next.job;
    if (!job) throw new ProviderError("gcp", "BigQuery answered without a job reference to poll");
    page = await attempts.run(() => job.getQueryResults(next));
  }
}
