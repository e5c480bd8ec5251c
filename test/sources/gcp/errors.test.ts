import { describe, expect, it } from "vitest";
import { createRedactor } from "../../../src/text/redact.js";
import { backoffMs } from "../../../src/sources/gcp/attempts.js";
import { BigQueryTimeout, explainBigQueryError, isTransientBigQueryError } from "../../../src/sources/gcp/errors.js";
import { exportTable } from "./harness.js";

const ctx = { table: exportTable, jobProject: "ml-billing-admin", maximumBytesBilled: 50_000_000_000, redactor: createRedactor([]) };
const url = "http://127.0.0.1:40111/projects/ml-billing-admin/queries";

/** What node-fetch 3 rejects with when a connection fails or drops (its FetchError, type `system`). */
const fetchError = (message: string, code?: string) => Object.assign(new Error(message), { name: "FetchError", type: "system", code });
/** What google-auth-library's token exchange rejects with when its connection fails: a GaxiosError around a FetchError. */
const gaxiosError = (message: string, code: string) => Object.assign(new Error(message), { name: "GaxiosError", code, error: fetchError(message, code) });
/** What @google-cloud/common's ApiError carries for an error answer. */
const apiError = (code: number, reason: string, message: string) => Object.assign(new Error(message), { code, errors: [{ reason, message }] });
const notJson = (() => {
  try {
    JSON.parse('{"ResultsByTime": [{"TimePeriod": ,, }');
  } catch (e) {
    return e;
  }
})();

describe("explainBigQueryError", () => {
  it.each([
    ["a body that is not JSON", notJson, "gcp: BigQuery sent an answer that is not valid JSON; run again later"],
    ["a cut JSON body", new SyntaxError("Unexpected end of JSON input"), "gcp: BigQuery sent an answer that is not valid JSON; run again later"],
    [
      "a connection dropped mid-answer",
      fetchError(`Invalid response body while trying to fetch ${url}: aborted`, "ECONNRESET"),
      "gcp: the connection to BigQuery dropped mid-answer after retries",
    ],
    ["a reset connection", fetchError(`request to ${url} failed, reason: read ECONNRESET`, "ECONNRESET"), "gcp: the connection to BigQuery dropped mid-answer after retries"],
    ["a refused connection", fetchError(`request to ${url} failed, reason: connect ECONNREFUSED 127.0.0.1:40111`, "ECONNREFUSED"), "gcp: could not reach Google Cloud after retries (ECONNREFUSED)"],
    ["a credential exchange whose connection hung up", gaxiosError(`request to ${url} failed, reason: socket hang up`, "ECONNRESET"), "gcp: could not reach Google Cloud after retries (ECONNRESET)"],
    ["attempts that all timed out", new BigQueryTimeout(300, 4), "gcp: BigQuery did not answer within 300 ms, after 4 attempts"],
    ["a 5xx", apiError(503, "backendError", "Backend error."), "gcp: BigQuery failed (HTTP 503) after retries: Backend error."],
  ])("%s", (_name, error, line) => {
    expect(explainBigQueryError(error, ctx).message).toBe(line);
  });

  it("leaves a service message that merely mentions 'aborted' to its reason", () => {
    const error = apiError(400, "invalidQuery", "Query aborted: division by zero: 1 / 0");
    expect(explainBigQueryError(error, ctx).message).toBe("gcp: BigQuery rejected the query: Query aborted: division by zero: 1 / 0");
  });

  it("never puts a URL in the line", () => {
    const error = Object.assign(new Error(`unexpected redirect to ${url}?pageToken=x`), { name: "FetchError", type: "invalid-redirect" });
    const line = explainBigQueryError(error, ctx).message;
    expect(line).not.toMatch(/https?:\/\//);
    expect(line).toBe("gcp: BigQuery query failed: unexpected redirect to (url)");
  });
});

describe("isTransientBigQueryError", () => {
  it.each([
    ["an attempt that timed out", new BigQueryTimeout(300, 1), true],
    ["rateLimitExceeded (403)", apiError(403, "rateLimitExceeded", "Exceeded rate limits"), true],
    ["429", apiError(429, "rateLimitExceeded", "Too many requests"), true],
    ["500", apiError(500, "internalError", "Internal error"), true],
    ["503", apiError(503, "backendError", "Backend error"), true],
    ["a dropped connection", fetchError(`Invalid response body while trying to fetch ${url}: aborted`, "ECONNRESET"), true],
    ["a refused connection", fetchError(`request to ${url} failed, reason: connect ECONNREFUSED`, "ECONNREFUSED"), true],
    ["a credential exchange that hung up", gaxiosError(`request to ${url} failed, reason: socket hang up`, "ECONNRESET"), true],
    ["a body that is not JSON", notJson, false],
    ["accessDenied (403)", apiError(403, "accessDenied", "Access Denied"), false],
    ["notFound (404)", apiError(404, "notFound", "Not found: Table"), false],
    ["invalidQuery (400)", apiError(400, "invalidQuery", "Syntax error"), false],
    ["401", apiError(401, "authError", "Invalid Credentials"), false],
  ])("%s: %s", (_name, error, transient) => {
    expect(isTransientBigQueryError(error)).toBe(transient);
  });
});

describe("backoffMs", () => {
  it("doubles from the base, drawn from the upper half of each step", () => {
    const http = { timeoutMs: 300, retryBaseMs: 100, maxAttempts: 4 };
    expect([1, 2, 3].map((n) => backoffMs(http, n, () => 0))).toEqual([50, 100, 200]);
    expect([1, 2, 3].map((n) => backoffMs(http, n, () => 1))).toEqual([100, 200, 400]);
  });

  it("is capped at 20 s", () => {
    expect(backoffMs({ timeoutMs: 300, retryBaseMs: 500, maxAttempts: 99 }, 30, () => 1)).toBe(20_000);
  });
});
