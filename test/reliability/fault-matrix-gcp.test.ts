import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkBillingCell, hang, malformedJson, runBillingCell, truncate, type Cell } from "./billing-cells.js";
import { awsSetup, gcpSetup, type BillingSetup } from "./billing-setups.js";

// Google API errors: {"error": {"code", "message", "errors": [{"reason"}], "status"}}.
const googleError = (status: number, reason: string, message: string, statusText: string) => ({
  kind: "answer" as const,
  status,
  body: JSON.stringify({ error: { code: status, message, errors: [{ message, domain: "global", reason }], status: statusText } }),
  headers: { "content-type": "application/json; charset=UTF-8" },
});
const rateLimited = googleError(403, "rateLimitExceeded", "Exceeded rate limits: too many api requests per user per method", "PERMISSION_DENIED");

const cells: Cell[] = [
  { name: "throttling, once", fault: rateLimited, times: 1, expect: "recovers" },
  { name: "throttling, lasting", fault: rateLimited, times: Infinity, expect: /BigQuery kept rate-limiting the query after retries/ },
  { name: "5xx, once", fault: googleError(503, "backendError", "Backend error", "UNAVAILABLE"), times: 1, expect: "recovers" },
  { name: "5xx, lasting", fault: googleError(500, "internalError", "Internal error", "INTERNAL"), times: Infinity, expect: /BigQuery failed \(HTTP 500\) after retries/ },
  // The client drops its per-request timeout (see src/sources/gcp/bigquery-client.ts), so one hung call uses the whole
  // bound (timeout x attempts) and is reported rather than retried. Flip to "recovers" once a hung attempt is retried.
  { name: "timeout, once", fault: hang, times: 1, expect: /BigQuery did not answer within 1200 ms/ },
  { name: "timeout, lasting", fault: hang, times: Infinity, expect: /BigQuery did not answer within 1200 ms/ },
  { name: "malformed JSON body", fault: malformedJson, times: Infinity, expect: /not valid JSON/ },
  { name: "truncated body, once", fault: truncate, times: 1, expect: "recovers" },
  { name: "truncated body, lasting", fault: truncate, times: Infinity, expect: /aborted|dropped/ },
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
];

let aws: BillingSetup;
let gcp: BillingSetup;
let baseline: Record<string, string[]>;

beforeAll(async () => {
  [aws, gcp] = await Promise.all([awsSetup(), gcpSetup()]);
  const healthy = await runBillingCell(gcp, aws, { fault: hang, times: 0 });
  expect(healthy.result.code, healthy.result.stderr).toBe(0);
  baseline = healthy.rows;
  expect(baseline.aws?.length).toBeGreaterThan(0);
  expect(baseline.gcp?.length).toBeGreaterThan(0);
});
afterAll(async () => {
  await Promise.all([aws?.close(), gcp?.close()]);
});

/** Needs the built CLI (npm run build). GCP (BigQuery) behind a fault proxy, AWS healthy beside it. */
describe("fault matrix: GCP BigQuery", () => {
  it.each(cells)("$name", async (cell) => {
    checkBillingCell(await runBillingCell(gcp, aws, cell), cell, "gcp", "aws", baseline);
  });
});
