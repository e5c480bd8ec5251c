import { describe, it } from "vitest";
import { billingPair, hang, malformedJson, truncate, type Cell } from "./billing-cells.js";
import { awsSetup, azureSetup, testTimeoutMs } from "./billing-setups.js";

// Cost Explorer speaks JSON 1.1: errors are HTTP 400 with {"__type", "message"} (5xx for its own faults).
const ceError = (status: number, type: string, message: string) => ({
  kind: "answer" as const,
  status,
  body: JSON.stringify({ __type: `com.amazon.awsinsightsindexservice#${type}`, message }),
  headers: { "content-type": "application/x-amz-json-1.1" },
});

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
];

const pair = billingPair(["aws", awsSetup], ["azure", azureSetup]);

/** Needs the built CLI (npm run build). AWS behind a fault proxy, Azure healthy beside it. */
describe("fault matrix: AWS Cost Explorer", () => {
  it.each(cells)("$name", async (cell) => {
    pair.check(await pair.run(cell), cell);
  });
});
