import { ProviderError } from "../../errors.js";

/** What the BigQuery client's errors carry (ApiError from @google-cloud/common, gaxios and fetch errors). */
interface ClientError {
  code?: unknown;
  message?: unknown;
  errors?: unknown;
}

export interface ErrorContext {
  table: string;
  jobProject: string;
  maximumBytesBilled: number;
}

/** A client call that outlived the HttpPolicy's bound. */
export class BigQueryTimeout extends Error {
  constructor(readonly limitMs: number) {
    super(`no answer within ${limitMs} ms`);
  }
}

function reasons(err: ClientError): string[] {
  if (!Array.isArray(err.errors)) return [];
  return err.errors.map((e: unknown) => (e && typeof e === "object" && "reason" in e ? String(e.reason) : "")).filter(Boolean);
}

/** The first line of the service's own message, short: enough to act on, never a stack or a body. */
function firstLine(message: unknown): string {
  const text = typeof message === "string" ? message : "unknown error";
  return (text.split("\n")[0] ?? "").slice(0, 300);
}

function gigabytes(bytes: number): string {
  return `${(bytes / 1e9).toLocaleString("en-US", { maximumFractionDigits: 1 })} GB`;
}

/**
 * Turns a failure of the query into one line for a person. The client has already retried rate limits
 * (`rateLimitExceeded`) and 5xx answers; what reaches here is final.
 */
export function explainBigQueryError(error: unknown, ctx: ErrorContext): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof BigQueryTimeout) return new ProviderError("gcp", `BigQuery did not answer within ${error.limitMs} ms`);
  const err: ClientError = error && typeof error === "object" ? (error as ClientError) : { message: String(error) };
  const why = reasons(err);
  const message = firstLine(err.message);
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
    return new ProviderError("gcp", `${ctx.table} was not found (check --gcp-table, and gcp.location for a dataset outside the US): ${message}`);
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
