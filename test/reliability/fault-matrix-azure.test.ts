import { describe, it } from "vitest";
import { array200, billingPair, drip, empty200, hang, html200, malformedJson, truncate, wrongShape200, type Cell } from "./billing-cells.js";
import { awsSetup, azureSetup, testTimeoutMs } from "./billing-setups.js";

// Resource Manager errors: {"error": {"code", "message"}}; throttling names its wait in headers.
const armError = (status: number, code: string, message: string, headers: Record<string, string> = {}) => ({
  kind: "answer" as const,
  status,
  body: JSON.stringify({ error: { code, message } }),
  headers,
});
const throttled = (seconds: string) =>
  armError(429, "429", "Too many requests. Please retry.", { "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after": seconds });

const notAResult = (why: string) =>
  new RegExp(`every subscription failed: subscription \\S+: the Query API answered HTTP 200 with a body that is not a query result \\(${why.replace(/[.()]/g, "\\$&")}`);
const columns = ["UsageQuantity", "PreTaxCost", "UsageDate", "Meter", "ResourceLocation", "Currency"].map((name) => ({ name, type: "String" }));
const page = (properties: unknown) => ({ kind: "answer" as const, status: 200, body: JSON.stringify({ properties }) });

const cells: Cell[] = [
  { name: "throttling, once", fault: throttled("1"), times: 1, expect: "recovers" },
  { name: "throttling, lasting", fault: throttled("0"), times: Infinity, expect: /every subscription failed: .*still throttled \(429\)/ },
  { name: "throttling that asks for an hour", fault: throttled("3600"), times: Infinity, expect: /throttled \(429\) and asked to wait 3600 s, more than the 60 s a run waits/ },
  { name: "5xx, once", fault: armError(503, "ServiceUnavailable", "The service is unavailable"), times: 1, expect: "recovers" },
  { name: "5xx, lasting", fault: armError(500, "InternalServerError", "Encountered internal server error"), times: Infinity, expect: /HTTP 500 InternalServerError/ },
  { name: "timeout, once", fault: hang, times: 1, expect: "recovers" },
  { name: "timeout, lasting", fault: hang, times: Infinity, expect: new RegExp(`no answer within ${testTimeoutMs} ms, on every attempt`) },
  { name: "malformed JSON body", fault: malformedJson, times: Infinity, expect: /the Query API sent an answer that is not valid JSON \(HTTP 200\)/ },
  { name: "truncated body, once", fault: truncate, times: 1, expect: "recovers" },
  { name: "truncated body, lasting", fault: truncate, times: Infinity, expect: /the connection dropped before the answer was complete, on every attempt/ },
  {
    name: "expired token",
    fault: armError(401, "ExpiredAuthenticationToken", "The access token expiry UTC time is earlier than current UTC time."),
    times: Infinity,
    expect: /not authenticated \(401 ExpiredAuthenticationToken\)/,
  },
  {
    name: "permission error",
    fault: armError(403, "RBACAccessDenied", "The client does not have authorization to perform action 'Microsoft.CostManagement/query/action'."),
    times: Infinity,
    expect: /access denied \(403 RBACAccessDenied\): the identity needs the Cost Management Reader role/,
  },
  // HTTP 200 that is not a query result: a failure of every subscription, never "no usage".
  { name: "empty 200", fault: empty200, times: Infinity, expect: notAResult("the body is empty") },
  { name: "wrong-shape 200", fault: wrongShape200, times: Infinity, expect: notAResult("properties missing") },
  { name: "array 200", fault: array200, times: Infinity, expect: notAResult("an array") },
  { name: "rows that are not arrays", fault: page({ columns, rows: [{ UsageQuantity: 24 }] }), times: Infinity, expect: notAResult("properties.rows.0: expected array") },
  { name: "rows without their columns", fault: page({ columns: [{ name: "UsageQuantity", type: "Number" }], rows: [[24]] }), times: Infinity, expect: /every subscription failed: .*query result has no UsageDate column/ },
  { name: "HTML 200", fault: html200, times: Infinity, expect: notAResult("an HTML page") },
  { name: "drip-fed body, once", fault: drip, times: 1, expect: "recovers" },
  { name: "drip-fed body, lasting", fault: drip, times: Infinity, expect: new RegExp(`every subscription failed: .*no answer within ${testTimeoutMs} ms, on every attempt`) },
];

const pair = billingPair(["azure", azureSetup], ["aws", awsSetup]);

/** Needs the built CLI (npm run build). Azure behind a fault proxy (HTTPS), AWS healthy beside it. */
describe("fault matrix: Azure Cost Management", () => {
  it.each(cells)("$name", async (cell) => {
    pair.check(await pair.run(cell), cell);
  });
});
