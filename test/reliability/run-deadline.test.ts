import { describe, expect, it } from "vitest";
import { billingPair, hang, type Cell } from "./billing-cells.js";
import { awsSetup, azureSetup, gcpSetup } from "./billing-setups.js";

/**
 * The run's deadline (CARBON_TRACK_DEADLINE_MS): a provider that never answers, with a per-request timeout far
 * longer than the deadline, fails alone once the deadline passes; the healthy partner's rows are written.
 */
const runDeadlineMs = 8000;
const slowRequests = { CARBON_TRACK_TIMEOUT_MS: "60000", CARBON_TRACK_DEADLINE_MS: String(runDeadlineMs) };
const cell = (provider: string): Cell => ({
  name: `${provider} hangs`,
  fault: hang,
  times: Infinity,
  expect: new RegExp(`^error: ${provider}: no answer before the run's deadline \\(8 s, CARBON_TRACK_DEADLINE_MS\\)$`),
});

describe("run deadline: GCP hangs, AWS answers", () => {
  const pair = billingPair(["gcp", gcpSetup], ["aws", awsSetup]);
  it("fails GCP alone and writes AWS", async () => {
    const run = await pair.run(cell("gcp"), slowRequests);
    pair.check(run, cell("gcp"));
    // It was the run's deadline that ended it, not the 60 s request timeout.
    expect(run.elapsedMs).toBeGreaterThanOrEqual(runDeadlineMs);
  });
});

describe("run deadline: Azure hangs, AWS answers", () => {
  const pair = billingPair(["azure", azureSetup], ["aws", awsSetup]);
  it("fails Azure alone and writes AWS", async () => {
    const run = await pair.run(cell("azure"), slowRequests);
    pair.check(run, cell("azure"));
    expect(run.elapsedMs).toBeGreaterThanOrEqual(runDeadlineMs);
  });
});

describe("run deadline: AWS hangs, Azure answers", () => {
  const pair = billingPair(["aws", awsSetup], ["azure", azureSetup]);
  it("fails AWS alone and writes Azure", async () => {
    const run = await pair.run(cell("aws"), slowRequests);
    pair.check(run, cell("aws"));
    expect(run.elapsedMs).toBeGreaterThanOrEqual(runDeadlineMs);
  });
});
