import { describe, expect, it } from "vitest";
import { array200, billingPair, drip, empty200, hang, html200, malformedJson, oversized, truncate, wrongShape200, type Cell } from "./billing-cells.js";
import { awsSetup, gcpSetup, testTimeoutMs } from "./billing-setups.js";

// Google API errors: {"error": {"code", "message", "errors": [{"reason"}], "status"}}.
const googleError = (status: number, reason: string, message: string, statusText: string) => ({
  kind: "answer" as const,
  status,
  body: JSON.stringify({ error: { code: status, message, errors: [{ message, domain: "global", reason }], status: statusText } }),
  headers: { "content-type": "application/json; charset=UTF-8" },
});
const rateLimited = googleError(403, "rateLimitExceeded", "Exceeded rate limits: too many api requests per user per method", "PERMISSION_DENIED");

const notA = (method: string, why: string) =>
  new RegExp(`^error: gcp: BigQuery answered ${method} with HTTP 200 and a body that is not a query result \\(${why.replace(/[.()]/g, "\\$&")}\\)$`);
const page: Cell["match"] = ({ method, path }) => method === "GET" && /\/queries\/[^/?]+(\?|$)/.test(path);
const googleAnswer = (body: unknown) => ({ kind: "answer" as const, status: 200, body: JSON.stringify(body), headers: { "content-type": "application/json; charset=UTF-8" } });

const cells: Cell[] = [
  { name: "throttling, once", fault: rateLimited, times: 1, expect: "recovers" },
  { name: "throttling, lasting", fault: rateLimited, times: Infinity, expect: /BigQuery kept rate-limiting the query after retries/ },
  { name: "5xx, once", fault: googleError(503, "backendError", "Backend error", "UNAVAILABLE"), times: 1, expect: "recovers" },
  { name: "5xx, lasting", fault: googleError(500, "internalError", "Internal error", "INTERNAL"), times: Infinity, expect: /BigQuery failed \(HTTP 500\) after retries/ },
  // Each attempt is bounded by the timeout (testTimeoutMs here) and a hung one is cut off and repeated (src/sources/gcp/attempts.ts).
  { name: "timeout, once", fault: hang, times: 1, expect: "recovers" },
  { name: "timeout, lasting", fault: hang, times: Infinity, expect: new RegExp(`^error: gcp: BigQuery did not answer within ${testTimeoutMs} ms, after 4 attempts$`) },
  { name: "malformed JSON body", fault: malformedJson, times: Infinity, expect: /^error: gcp: BigQuery sent an answer that is not valid JSON; run again later$/ },
  { name: "truncated body, once", fault: truncate, times: 1, expect: "recovers" },
  { name: "truncated body, lasting", fault: truncate, times: Infinity, expect: /^error: gcp: the connection to BigQuery dropped mid-answer after retries$/ },
  {
    name: "expired token",
    fault: googleError(401, "authError", "Request had invalid authentication credentials. Expected OAuth 2 access token.", "UNAUTHENTICATED"),
    times: Infinity,
    expect: /no usable Google credentials/,
  },
  {
    name: "permission error",
    fault: googleError(403, "accessDenied", "Access Denied: User does not have bigquery.jobs.create permission", "PERMISSION_DENIED"),
    times: Infinity,
    expect: /permission denied: the credentials need bigquery\.jobs\.create/,
  },
  // HTTP 200 that is not a query result, on jobs.query and on the getQueryResults pages: never "no usage".
  // The client itself refuses an empty body as JSON that does not parse.
  { name: "empty 200", fault: empty200, times: Infinity, expect: /^error: gcp: BigQuery sent an answer that is not valid JSON; run again later$/ },
  { name: "wrong-shape 200", fault: wrongShape200, times: Infinity, expect: notA("jobs.query", "jobComplete missing") },
  { name: "array 200", fault: array200, times: Infinity, expect: notA("jobs.query", "an array") },
  { name: "HTML 200", fault: html200, times: Infinity, expect: notA("jobs.query", "an HTML page") },
  { name: "answer over 64 MiB", fault: oversized, times: Infinity, expect: /^error: gcp: BigQuery's answer is larger than 64 MiB: refused$/ },
  { name: "drip-fed body, once", fault: drip, times: 1, expect: "recovers" },
  { name: "drip-fed body, lasting", fault: drip, times: Infinity, expect: new RegExp(`^error: gcp: BigQuery did not answer within ${testTimeoutMs} ms, after 4 attempts$`) },
  { name: "page: empty 200", match: page, fault: empty200, times: Infinity, expect: /^error: gcp: BigQuery sent an answer that is not valid JSON; run again later$/ },
  { name: "page: wrong-shape 200", match: page, fault: wrongShape200, times: Infinity, expect: notA("jobs.getQueryResults", "jobComplete missing") },
  { name: "page: array 200", match: page, fault: array200, times: Infinity, expect: notA("jobs.getQueryResults", "an array") },
  { name: "page: rows without cells", match: page, fault: googleAnswer({ kind: "bigquery#getQueryResultsResponse", jobComplete: true, totalRows: "1", schema: { fields: [{ name: "day", type: "STRING" }] }, rows: [{ v: "x" }] }), times: Infinity, expect: notA("jobs.getQueryResults", "rows.0.f missing") },
  { name: "page: HTML 200", match: page, fault: html200, times: Infinity, expect: notA("jobs.getQueryResults", "an HTML page") },
  { name: "page: malformed JSON", match: page, fault: malformedJson, times: Infinity, expect: /^error: gcp: BigQuery sent an answer that is not valid JSON; run again later$/ },
  { name: "page: truncated body, once", match: page, fault: truncate, times: 1, expect: "recovers" },
  { name: "page: truncated body, lasting", match: page, fault: truncate, times: Infinity, expect: /^error: gcp: the connection to BigQuery dropped mid-answer after retries$/ },
  { name: "page: drip-fed body, lasting", match: page, fault: drip, times: Infinity, expect: new RegExp(`^error: gcp: BigQuery did not answer within ${testTimeoutMs} ms, after 4 attempts$`) },
];

const pair = billingPair(["gcp", gcpSetup], ["aws", awsSetup]);

/** Needs the built CLI (npm run build). GCP (BigQuery) behind a fault proxy, AWS healthy beside it. */
describe("fault matrix: GCP BigQuery", () => {
  it.each(cells)("$name", async (cell) => {
    const run = await pair.run(cell);
    pair.check(run, cell);
    // No line names a URL (the library's messages carry the request URL).
    expect(run.result.stderr).not.toMatch(/https?:\/\//);
  });
});
