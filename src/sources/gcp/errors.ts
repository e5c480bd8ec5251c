import { ProviderError } from "../../errors.js";
import type { Redactor } from "../../text/redact.js";
import { BodyTooLargeError } from "../../net/http-policy.js";

/** What the BigQuery client's errors carry (ApiError from @google-cloud/common, gaxios and fetch errors). */
interface ClientError {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
  /** node-fetch's FetchError: `system` for a connection that failed or dropped. */
  type?: unknown;
}

export interface ErrorContext {
  table: string;
  jobProject: string;
  maximumBytesBilled: number;
  redactor: Redactor;
  /** The option that named the table, for messages: --gcp-table unless said. */
  option?: string;
}

/** An attempt that outlived the HttpPolicy's timeout. */
export class BigQueryTimeout extends Error {
  constructor(
    readonly timeoutMs: number,
    readonly attempt: number,
  ) {
    super(`no answer within ${timeoutMs} ms (attempt ${attempt})`);
  }
}

const asClientError = (error: unknown): ClientError => (error && typeof error === "object" ? (error as ClientError) : { message: String(error) });

/** Status codes and reasons the service documents as worth retrying, as the client library itself decides. */
const TRANSIENT_STATUS = [408, 429, 500, 502, 503, 504];
const TRANSIENT_REASONS = ["rateLimitExceeded", "userRateLimitExceeded", "backendError"];

/**
 * Whether an attempt is worth repeating: no answer in time, throttling, a 5xx, or a connection that failed
 * or dropped before the answer was complete. A body that is not JSON, a 4xx, a credential problem are final.
 */
export function isTransientBigQueryError(error: unknown): boolean {
  if (error instanceof BigQueryTimeout) return true;
  if (error instanceof ProviderError) return false;
  const err = asClientError(error);
  if (typeof err.code === "number" && TRANSIENT_STATUS.includes(err.code)) return true;
  if (reasons(err).some((r) => TRANSIENT_REASONS.includes(r))) return true;
  return connectionFailure(err) !== undefined;
}

/**
 * The system error code of a connection that failed or dropped, from node-fetch's FetchError (type `system`,
 * the BigQuery calls) or a GaxiosError wrapping one (the credential exchange): `ECONNRESET`, `EAI_AGAIN`…
 */
function connectionFailure(err: ClientError): string | undefined {
  const code = typeof err.code === "string" && /^E[A-Z0-9_]+$/.test(err.code) ? err.code : undefined;
  if (err.type === "system") return code ?? "connection failed";
  return code;
}

const NOT_JSON = /not valid JSON|Unexpected token|Unexpected end of JSON/;
const DROPPED = /Invalid response body|aborted|ECONNRESET/;

function reasons(err: ClientError): string[] {
  if (!Array.isArray(err.errors)) return [];
  return err.errors.map((e: unknown) => (e && typeof e === "object" && "reason" in e ? String(e.reason) : "")).filter(Boolean);
}

/**
 * The first line of the service's own message, short: enough to act on, never a stack, a body or a URL.
 * Redacted before it is cut: a token cut in half would no longer be recognised.
 */
function firstLine(message: unknown, redactor: Redactor): string {
  const text = typeof message === "string" ? redactor.redact(message) : "unknown error";
  return (text.split("\n")[0] ?? "").replace(/\bhttps?:\/\/\S+/g, "(url)").slice(0, 300);
}

function gigabytes(bytes: number): string {
  return `${(bytes / 1e9).toLocaleString("en-US", { maximumFractionDigits: 1 })} GB`;
}

/**
 * Turns a failure of the query into one line for a person, never with a URL in it. Transient failures have
 * already been repeated (CallAttempts); what reaches here is final.
 */
export function explainBigQueryError(error: unknown, ctx: ErrorContext): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof BigQueryTimeout) {
    return new ProviderError("gcp", `BigQuery did not answer within ${error.timeoutMs} ms, after ${error.attempt} attempts`);
  }
  if (error instanceof BodyTooLargeError) return new ProviderError("gcp", `BigQuery's answer is larger than ${error.limit / (1024 * 1024)} MiB: refused`);
  const err = asClientError(error);
  const why = reasons(err);
  const message = firstLine(err.message, ctx.redactor);
  // Transport failures carry no HTTP status; the service's own messages are matched by reason below.
  const raw = typeof err.code === "number" || typeof err.message !== "string" ? "" : err.message;
  if (NOT_JSON.test(raw)) return new ProviderError("gcp", "BigQuery sent an answer that is not valid JSON; run again later");
  if (DROPPED.test(raw)) return new ProviderError("gcp", "the connection to BigQuery dropped mid-answer after retries");
  const failure = connectionFailure(err);
  if (failure) return new ProviderError("gcp", `could not reach Google Cloud after retries (${failure})`);
  if (why.includes("bytesBilledLimitExceeded")) {
    return new ProviderError(
      "gcp",
      `the query would bill more than the ${gigabytes(ctx.maximumBytesBilled)} allowed by gcp.maximumBytesBilled: shorten the window or raise the limit`,
    );
  }
  if (why.includes("quotaExceeded")) return new ProviderError("gcp", `BigQuery quota exceeded: ${message}`);
  if (why.includes("rateLimitExceeded")) return new ProviderError("gcp", `BigQuery kept rate-limiting the query after retries: ${message}`);
  if (why.includes("accessDenied") || err.code === 403) {
    return new ProviderError(
      "gcp",
      `permission denied: the credentials need bigquery.jobs.create on project ${ctx.jobProject} and bigquery.tables.getData on ${ctx.table} (${message})`,
    );
  }
  if (why.includes("notFound") || err.code === 404) {
    return new ProviderError("gcp", `${ctx.table} was not found (check ${ctx.option ?? "--gcp-table"}, and gcp.location for a dataset outside the US): ${message}`);
  }
  if (err.code === 401 || /default credentials/i.test(message)) {
    return new ProviderError(
      "gcp",
      "no usable Google credentials: run `gcloud auth application-default login` or set GOOGLE_APPLICATION_CREDENTIALS",
    );
  }
  if (why.includes("invalidQuery") || why.includes("invalid")) return new ProviderError("gcp", `BigQuery rejected the query: ${message}`);
  if (typeof err.code === "number" && err.code >= 500) return new ProviderError("gcp", `BigQuery failed (HTTP ${err.code}) after retries: ${message}`);
  return new ProviderError("gcp", `BigQuery query failed: ${message}`);
}
