import { writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ProviderError } from "../../../src/errors.js";
import type { UsageRecord } from "../../../src/schema.js";
import { awsSource } from "../../../src/sources/aws/index.js";
import { loadDataset, startFakeCostExplorer, type Dataset, type FakeCostExplorer, type FakeOptions } from "../../fakes/aws-cost-explorer.js";
import { awsTestEnv, captureLog, expectedHours, fakeAccessKeyId, fakeSecret, fixturePath, sourceContext, useProcessEnv } from "./harness.js";

const hoursByKey = (records: UsageRecord[]) =>
  Object.fromEntries(records.map((r) => [`${r.periodStart.slice(0, 10)} ${r.account} ${r.region} ${r.instanceType}`, r.quantity]));

const dataset = loadDataset(fixturePath);
let fake: FakeCostExplorer | undefined;
let restoreEnv: () => void = () => {};

async function startWith(data: Dataset, opts: FakeOptions = {}): Promise<FakeCostExplorer> {
  fake = await startFakeCostExplorer(data, opts);
  restoreEnv = useProcessEnv(awsTestEnv(fake.url));
  return fake;
}

afterEach(async () => {
  restoreEnv();
  await fake?.close();
  fake = undefined;
});

describe("AWS source against a loopback Cost Explorer", () => {
  it("aws.regionPrefixes in the config places the hours of a prefix the table does not know", async () => {
    await startWith(dataset, { pageSize: 20 });
    const result = await awsSource.fetch(sourceContext({ config: { aws: { regionPrefixes: { APS9: "ap-southeast-9" } } } }));
    expect(result.warnings).toEqual([]);
    expect(result.records.filter((r) => r.region === "ap-southeast-9" && r.instanceType === "g6.xlarge").length).toBeGreaterThan(0);
  });

  it("reads every GPU hour per account, region, type and day, across two pages", async () => {
    const server = await startWith(dataset, { pageSize: 20 });
    const log = captureLog();
    const result = await awsSource.fetch(sourceContext({ log }));

    expect(hoursByKey(result.records)).toEqual(expectedHours);
    expect(result.requests).toEqual({ GetDimensionValues: 1, GetCostAndUsage: 2 });
    expect(result.failures).toEqual([]);
    // Issue 19: the hours left out and the fix are in the warning.
    expect(result.warnings).toEqual([
      expect.stringMatching(/^usage type APS9-BoxUsage:g6\.xlarge: region prefix APS9 is not known, so its [\d.]+ hours are left out; name its region in the --config file: "aws": \{ "regionPrefixes": \{ "APS9": "<region code>" \} \}$/),
    ]);

    for (const r of result.records) {
      expect(r).toMatchObject({ provider: "aws", unit: "instance-hour", currency: "USD" });
      expect(r.estimated).toBe(r.periodStart === "2026-10-03T00:00:00Z");
      expect(r.periodEnd).toBe(new Date(Date.parse(r.periodStart) + 86_400_000).toISOString().replace(".000Z", "Z"));
    }
    const p5 = result.records.find((r) => r.periodStart === "2026-10-01T00:00:00Z" && r.instanceType === "p5.48xlarge");
    expect(p5?.cost).toBeCloseTo(48 * 98.32 + 5.25 * 38.5, 6);

    const pages = server.requests.filter((r) => r.operation === "GetCostAndUsage");
    expect(pages.map((p) => p.body.TimePeriod)).toEqual([
      { Start: "2026-10-01", End: "2026-10-04" },
      { Start: "2026-10-01", End: "2026-10-04" },
    ]);
    expect(pages[0]?.body.NextPageToken).toBeUndefined();
    expect(pages[1]?.body.NextPageToken).toEqual(expect.any(String));
    expect(server.requests.every((r) => r.accessKeyId === fakeAccessKeyId)).toBe(true);
  });

  it("keeps non-GPU hours out even when the service does not apply the instance-type filter", async () => {
    await startWith(dataset, { ignoreFilterKeys: ["INSTANCE_TYPE"] });
    const result = await awsSource.fetch(sourceContext());
    expect(hoursByKey(result.records)).toEqual(expectedHours);
    expect(result.records.map((r) => r.instanceType)).not.toContain("m5.xlarge");
    // One page: the typical run of docs/aws.md, two requests.
    expect(result.requests).toEqual({ GetDimensionValues: 1, GetCostAndUsage: 1 });
  });

  it("asks for SageMaker only when no GPU instance type ran in EC2", async () => {
    const noEc2Gpu = { ...dataset, items: dataset.items.filter((i) => i.service === "Amazon SageMaker" || !/^(p|g)\d/.test(i.instanceType ?? "")) };
    const server = await startWith(noEc2Gpu);
    const result = await awsSource.fetch(sourceContext());
    expect(new Set(result.records.map((r) => r.instanceType))).toEqual(new Set(["ml.p4d.24xlarge", "ml.g5.12xlarge", "ml.g5.2xlarge"]));
    expect(server.requests.find((r) => r.operation === "GetCostAndUsage")?.body.Filter).toEqual({
      Dimensions: { Key: "SERVICE", Values: ["Amazon SageMaker"] },
    });
    expect(result.requests).toEqual({ GetDimensionValues: 1, GetCostAndUsage: 1 });
  });

  it("signs with the profile named in the config", async () => {
    const server = await startWith(dataset);
    const credentialsFile = process.env.AWS_SHARED_CREDENTIALS_FILE ?? "";
    writeFileSync(credentialsFile, "[billing]\naws_access_key_id = AKIAPROFILEKEY000002\naws_secret_access_key = profile-secret-DO-NOT-PRINT\n");
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    const result = await awsSource.fetch(sourceContext({ config: { aws: { profile: "billing" } } }));
    expect(hoursByKey(result.records)).toEqual(expectedHours);
    expect(new Set(server.requests.map((r) => r.accessKeyId))).toEqual(new Set(["AKIAPROFILEKEY000002"]));
  });

  it("survives a throttle", async () => {
    const server = await startWith(dataset, {
      errors: [{ operation: "GetCostAndUsage", type: "LimitExceededException", message: "Rate exceeded", times: 1 }],
    });
    const result = await awsSource.fetch(sourceContext());
    expect(hoursByKey(result.records)).toEqual(expectedHours);
    expect(server.requests.filter((r) => r.operation === "GetCostAndUsage")).toHaveLength(2);
  });

  it("gives up after the policy's attempts when throttling persists", async () => {
    const server = await startWith(dataset, {
      errors: [{ operation: "GetDimensionValues", type: "ThrottlingException", message: "Rate exceeded", times: Infinity }],
    });
    const error = await awsSource.fetch(sourceContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toBe("aws: Cost Explorer kept throttling (ThrottlingException) after 3 attempts; try again later");
    expect(server.requests).toHaveLength(3);
  });

  it("explains access denied with the IAM actions needed, and no secret", async () => {
    await startWith(dataset, {
      errors: [
        {
          operation: "GetDimensionValues",
          type: "AccessDeniedException",
          message: "User: arn:aws:iam::111122223333:user/ci is not authorized to perform: ce:GetDimensionValues on resource: arn:aws:ce:us-east-1:111122223333:/GetDimensionValues",
          times: Infinity,
        },
      ],
    });
    const error = await awsSource.fetch(sourceContext()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    const message = (error as Error).message;
    expect(message).toContain("ce:GetCostAndUsage");
    expect(message).toContain("ce:GetDimensionValues");
    expect(message).not.toContain(fakeSecret);
    expect(message.split("\n")).toHaveLength(1);
  });

  it.each([
    ["DataUnavailableException", "no data for this window yet"],
    ["BillExpirationException", "before the oldest data Cost Explorer keeps"],
  ])("explains %s in one line", async (type, phrase) => {
    await startWith(dataset, { errors: [{ operation: "GetCostAndUsage", type, message: "Data is not available.", times: Infinity }] });
    const error = await awsSource.fetch(sourceContext()).catch((e: unknown) => e);
    expect((error as Error).message).toContain(phrase);
    expect((error as Error).message.split("\n")).toHaveLength(1);
  });

  it("says when hourly data is refused", async () => {
    await startWith(dataset);
    const error = await awsSource.fetch(sourceContext({ window: { since: "2026-10-01", until: "2026-10-03", granularity: "hourly" } })).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/^aws: Cost Explorer rejected the hourly query .*last 14 days$/);
  });
});

describe("AWS source timeouts", () => {
  let silent: ReturnType<typeof createServer>;
  let url = "";
  beforeAll(async () => {
    // Accepts connections and never answers.
    silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    silent.closeAllConnections();
    await new Promise((resolve) => silent.close(resolve));
  });

  it("stops waiting after the policy's timeout", async () => {
    const restore = useProcessEnv(awsTestEnv(url));
    try {
      const error = await awsSource.fetch(sourceContext({ http: { timeoutMs: 200, retryBaseMs: 10, maxAttempts: 2 } })).catch((e: unknown) => e);
      expect((error as Error).message).toBe("aws: no answer from Cost Explorer within 200 ms");
    } finally {
      restore();
    }
  });
});
