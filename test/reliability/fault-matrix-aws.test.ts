import { describe, it } from "vitest";
import { array200, billingPair, drip, empty200, hang, html200, malformedJson, oversized, truncate, wrongShape200, type Cell } from "./billing-cells.js";
import { awsSetup, azureSetup, testTimeoutMs } from "./billing-setups.js";

// Cost Explorer speaks JSON 1.1: errors are HTTP 400 with {"__type", "message"} (5xx for its own faults).
const ceError = (status: number, type: string, message: string) => ({
  kind: "answer" as const,
  status,
  body: JSON.stringify({ __type: `com.amazon.awsinsightsindexservice#${type}`, message }),
  headers: { "content-type": "application/x-amz-json-1.1" },
});

const answer200 = (body: unknown) => ({ kind: "answer" as const, status: 200, body: JSON.stringify(body), headers: { "content-type": "application/x-amz-json-1.1" } });
const notA = (operation: string, why: string) => new RegExp(`^error: aws: Cost Explorer answered HTTP 200 with a body that is not a ${operation} result \\(${why.replace(/[.()]/g, "\\$&")}`);
const dimensionValues: Cell["match"] = ({ headers }) => String(headers["x-amz-target"] ?? "").endsWith(".GetDimensionValues");

const cells: Cell[] = [
  { name: "throttling, once", fault: ceError(400, "LimitExceededException", "Rate exceeded"), times: 1, expect: "recovers" },
  { name: "throttling, lasting", fault: ceError(400, "LimitExceededException", "Rate exceeded"), times: Infinity, expect: /kept throttling \(LimitExceededException\) after 4 attempts/ },
  { name: "5xx, once", fault: ceError(503, "ServiceUnavailableException", "Service unavailable"), times: 1, expect: "recovers" },
  { name: "5xx, lasting", fault: ceError(500, "InternalServerException", "Internal failure"), times: Infinity, expect: /InternalServerException/ },
  { name: "timeout, once", fault: hang, times: 1, expect: "recovers" },
  { name: "timeout, lasting", fault: hang, times: Infinity, expect: new RegExp(`no answer from Cost Explorer within ${testTimeoutMs} ms`) },
  { name: "malformed JSON body", fault: malformedJson, times: Infinity, expect: /aws: Cost Explorer sent an answer that is not valid JSON/ },
  { name: "truncated body, once", fault: truncate, times: 1, expect: "recovers" },
  { name: "truncated body, lasting", fault: truncate, times: Infinity, expect: /aws: the connection to Cost Explorer dropped mid-answer/ },
  { name: "expired token", fault: ceError(400, "ExpiredTokenException", "The security token included in the request is expired"), times: Infinity, expect: /rejected the credentials \(ExpiredTokenException\)/ },
  { name: "permission error", fault: ceError(400, "AccessDeniedException", "User is not authorized to perform: ce:GetCostAndUsage"), times: Infinity, expect: /access denied by Cost Explorer/ },
  // HTTP 200 that is not a GetCostAndUsage result: a provider failure, never "no usage".
  { name: "empty 200", fault: empty200, times: Infinity, expect: notA("GetCostAndUsage", "ResultsByTime missing") },
  { name: "wrong-shape 200", fault: wrongShape200, times: Infinity, expect: notA("GetCostAndUsage", "ResultsByTime missing") },
  { name: "array 200", fault: array200, times: Infinity, expect: notA("GetCostAndUsage", "ResultsByTime missing") },
  { name: "results of the wrong shape", fault: answer200({ ResultsByTime: {} }), times: Infinity, expect: notA("GetCostAndUsage", "ResultsByTime: expected array") },
  { name: "HTML 200", fault: html200, times: Infinity, expect: /^error: aws: Cost Explorer sent an answer that is not valid JSON/ },
  { name: "answer over 64 MiB", fault: oversized, times: Infinity, expect: /^error: aws: Cost Explorer's answer is larger than 64 MiB: refused$/ },
  { name: "drip-fed body, once", fault: drip, times: 1, expect: "recovers" },
  { name: "drip-fed body, lasting", fault: drip, times: Infinity, expect: new RegExp(`^error: aws: no answer from Cost Explorer within ${testTimeoutMs} ms`) },
  // The instance types first listed decide which hours are read: a wrong list silently drops rows.
  { name: "dimension values: wrong shape", match: dimensionValues, fault: answer200({ DimensionValues: [{ value: "p4d.24xlarge" }], ReturnSize: 1, TotalSize: 1 }), times: Infinity, expect: notA("GetDimensionValues", "DimensionValues.0.Value") },
  { name: "dimension values: empty 200", match: dimensionValues, fault: empty200, times: Infinity, expect: notA("GetDimensionValues", "DimensionValues missing") },
  { name: "dimension values: HTML 200", match: dimensionValues, fault: html200, times: Infinity, expect: /^error: aws: Cost Explorer sent an answer that is not valid JSON/ },
  { name: "dimension values: drip-fed body", match: dimensionValues, fault: drip, times: Infinity, expect: new RegExp(`^error: aws: no answer from Cost Explorer within ${testTimeoutMs} ms`) },
];

const pair = billingPair(["aws", awsSetup], ["azure", azureSetup]);

/** Needs the built CLI (npm run build). AWS behind a fault proxy, Azure healthy beside it. */
describe("fault matrix: AWS Cost Explorer", () => {
  it.each(cells)("$name", async (cell) => {
    pair.check(await pair.run(cell), cell);
  });
});
