import { afterEach, describe, expect, it } from "vitest";
import { ProviderError } from "../../../src/errors.js";
import { gcpSource } from "../../../src/sources/gcp/index.js";
import { type BigQueryFake, type BigQueryFakeOptions, fakeAccessToken, loadAggregateFixture, startBigQueryFake } from "../../fakes/bigquery.js";
import { aggregateFixture, captureLog, exportTable, fakeSubjectToken, gcpContext, gcpTestEnv } from "./harness.js";

let fake: BigQueryFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function start(opts: Partial<BigQueryFakeOptions> = {}): Promise<{ fake: BigQueryFake; env: Record<string, string> }> {
  fake = await startBigQueryFake({ fixture: loadAggregateFixture(aggregateFixture), ...opts });
  return { fake, env: gcpTestEnv(fake.url) };
}

const day = (d: string) => ({ periodStart: `2026-10-${d}T00:00:00Z`, periodEnd: `2026-10-${String(Number(d) + 1).padStart(2, "0")}T00:00:00Z` });
const rec = (account: string, region: string, instanceType: string, unit: "instance-hour" | "gpu-hour", quantity: number, d: string, estimated = false) => ({
  provider: "gcp",
  account,
  region,
  instanceType,
  unit,
  quantity,
  ...day(d),
  estimated,
});

/**
 * Hand-derived from the fixture: machine rows are vCPU-seconds ÷ the type's vCPUs (a2-highgpu-8g 96,
 * a3-highgpu-8g 208, g2-standard-96 96) ÷ 3600; gpu rows are GPU-seconds ÷ 3600.
 */
const expected = [
  rec("ml-training-prod", "us-central1", "a2-highgpu-8g", "instance-hour", 48, "01"), // 16,588,800 / 96 / 3600
  rec("ml-training-prod", "us-central1", "a2-highgpu-8g", "instance-hour", 30.5, "02"), // 10,540,800 / 96 / 3600
  rec("ml-training-prod", "europe-west4", "a3-highgpu-8g", "instance-hour", 20, "01"), // 14,976,000 / 208 / 3600
  rec("ml-training-prod", "europe-west4", "a3-highgpu-8g", "instance-hour", 24, "02"), // 17,971,200 / 208 / 3600
  rec("ml-training-prod", "europe-west4", "a3-highgpu-8g", "instance-hour", 8, "03", true), // 5,990,400 / 208 / 3600
  rec("inference-prod", "us-east4", "g2-standard-96", "instance-hour", 72, "01"), // 24,883,200 / 96 / 3600
  rec("inference-prod", "asia-southeast1", "g2-standard-96", "instance-hour", 12.25, "02"), // 4,233,600 / 96 / 3600
  rec("inference-prod", "us-central1", "nvidia-tesla-t4", "gpu-hour", 96, "01"), // 345,600 / 3600
  rec("research-sandbox", "europe-west1", "nvidia-tesla-t4", "gpu-hour", 7.5, "02"), // 27,000 / 3600
  rec("research-sandbox", "us-central1", "nvidia-tesla-v100", "gpu-hour", 192, "01"), // 691,200 / 3600
  rec("research-sandbox", "us-central1", "nvidia-tesla-v100", "gpu-hour", 6, "03", true), // 21,600 / 3600
  rec("research-sandbox", "europe-west1", "nvidia-tesla-p100", "gpu-hour", 3, "02"), // 10,800 / 3600
  // N1 hosts, after the GPUs: vCPU-seconds ÷ vCPUs ÷ 3600, within GPU-hours × the most vCPUs N1 allows per GPU.
  rec("inference-prod", "us-central1", "n1-standard-8", "instance-hour", 96, "01"), // 2,764,800 / 8 / 3600 (cap 96 × 48)
  // 2,304 + 96 vCPU-hours beside 192 V100-hours × 12 = 2,304: both types scaled by 2,304 / 2,400
  rec("research-sandbox", "us-central1", "n1-highmem-96", "instance-hour", 23.04, "01"),
  rec("research-sandbox", "us-central1", "n1-standard-4", "instance-hour", 23.04, "01"),
  rec("research-sandbox", "europe-west1", "n1-standard-4", "instance-hour", 7.5, "02"), // 108,000 / 4 / 3600
  rec("research-sandbox", "europe-west1", "n1-standard-8", "instance-hour", 3, "02"), // 86,400 / 8 / 3600
  // ml-training-prod's n1-standard-2 in us-central1 has no attached GPU beside it: not GPU usage.
];

describe("gcp source against a loopback BigQuery", () => {
  it("turns the aggregate rows into GPU hours, polling an unfinished job and following pages", async () => {
    const { fake, env } = await start({ pageSize: 5, incompleteAnswers: 2 });
    const log = captureLog();
    const result = await gcpSource.fetch(gcpContext(env, { log }));

    expect(result.records).toEqual(expected);
    expect(result.warnings).toEqual([]);
    expect(result.failures).toEqual([]);
    // jobs.query (not complete), one poll (not complete), then four pages of 5, 5, 5 and 4 rows.
    expect(result.requests).toEqual({ "jobs.query": 1, "jobs.getQueryResults": 5 });
    expect(fake.sqlProblems).toEqual([[]]);
    const tokens = fake.calls.filter((c) => c.path.includes("/queries/")).map((c) => c.query.get("pageToken"));
    expect(tokens).toEqual([null, null, "page-5", "page-10", "page-15"]);
    // The job runs in the table's project, with the window's days as named parameters.
    const insert = fake.calls.find((c) => c.method === "POST" && c.path.endsWith("/queries"));
    expect(insert?.path).toBe("/projects/ml-billing-admin/queries");
    expect(insert?.body?.queryParameters).toEqual([
      { name: "since", parameterType: { type: "DATE" }, parameterValue: { value: "2026-10-01" } },
      { name: "until", parameterType: { type: "DATE" }, parameterValue: { value: "2026-10-03" } },
    ]);
    expect(insert?.body?.maximumBytesBilled).toBe("50000000000");
    expect(String(insert?.body?.query)).toContain(`FROM \`${exportTable}\``);
    expect(fake.calls.filter((c) => c.path !== "/token").every((c) => c.authorization === `Bearer ${fakeAccessToken}`)).toBe(true);
    expect(log.lines).toContainEqual(expect.stringMatching(/^verbose: gcp: job job_fake_1 processed 1\.873 GB, billed 1\.873 GB \(limit 50 GB\); 19 rows$/));
    expect(log.lines.join("\n")).not.toContain(fakeSubjectToken);
    expect(log.lines.join("\n")).not.toContain(fakeAccessToken);
  });

  it("answers in one request when jobs.query completes with every row", async () => {
    const { env } = await start();
    const result = await gcpSource.fetch(gcpContext(env));
    expect(result.records).toHaveLength(expected.length);
    expect(result.requests).toEqual({ "jobs.query": 1 });
  });

  it("passes the configured cost guard and location", async () => {
    const { fake, env } = await start();
    await gcpSource.fetch(gcpContext(env, { gcp: { maximumBytesBilled: 1_000_000_000, location: "EU" } }));
    const insert = fake.calls.find((c) => c.method === "POST" && c.path.endsWith("/queries"));
    expect(insert?.body).toMatchObject({ maximumBytesBilled: "1000000000", location: "EU" });
  });

  it("groups by hour at hourly granularity", async () => {
    const fixture = loadAggregateFixture(aggregateFixture);
    fixture.rows = [{ ...fixture.rows[7]!, period_start: "2026-10-01T13:00:00Z", usage_seconds: "14400.0" }];
    fake = await startBigQueryFake({ fixture, bucket: "HOUR" });
    const result = await gcpSource.fetch(gcpContext(gcpTestEnv(fake.url), { window: { since: "2026-10-01", until: "2026-10-01", granularity: "hourly" } }));
    expect(fake.sqlProblems).toEqual([[]]);
    expect(result.records).toEqual([
      { ...rec("inference-prod", "us-central1", "nvidia-tesla-t4", "gpu-hour", 4, "01"), periodStart: "2026-10-01T13:00:00Z", periodEnd: "2026-10-01T14:00:00Z" },
    ]);
  });

  it("warns when Compute Engine lines exist but none is GPU usage", async () => {
    const fixture = loadAggregateFixture(aggregateFixture);
    fixture.rows = fixture.rows.filter((r) => r.kind === "other");
    fake = await startBigQueryFake({ fixture });
    const result = await gcpSource.fetch(gcpContext(gcpTestEnv(fake.url)));
    expect(result.records).toEqual([]);
    expect(result.warnings).toEqual([expect.stringMatching(/^gcp: 18234 Compute Engine line items in the window but none for A2\/A3\/G2/)]);
  });
});

describe("gcp source failures", () => {
  const failWith = async (errors: BigQueryFakeOptions["errors"], http = { timeoutMs: 15_000, retryBaseMs: 10, maxAttempts: 3 }) => {
    const { fake, env } = await start({ errors });
    const error = await gcpSource.fetch(gcpContext(env, { http })).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { fake, error };
  };
  const queryCalls = (f: BigQueryFake) => f.calls.filter((c) => c.method === "POST" && c.path.endsWith("/queries")).length;

  it("retries rate limits and server errors itself", async () => {
    const { fake, env } = await start({
      errors: [
        { on: "query", status: 403, reason: "rateLimitExceeded", message: "Exceeded rate limits: too many api requests per user per method", times: 1 },
        { on: "query", status: 503, reason: "backendError", message: "Backend error.", times: 1 },
      ],
    });
    const result = await gcpSource.fetch(gcpContext(env));
    expect(result.records).toHaveLength(expected.length);
    expect(queryCalls(fake)).toBe(3);
  });

  it.each([
    [
      "permission denied",
      { on: "query" as const, status: 403, reason: "accessDenied", message: "Access Denied: Project ml-billing-admin: User does not have bigquery.jobs.create permission in project ml-billing-admin.", times: 1 },
      /^gcp: permission denied: the credentials need bigquery\.jobs\.create on project ml-billing-admin and bigquery\.tables\.getData on ml-billing-admin\.billing_export\.gcp_billing_export_v1_0123AB_4567CD_89EF01 \(Access Denied/,
    ],
    [
      "table not found",
      { on: "query" as const, status: 404, reason: "notFound", message: "Not found: Table ml-billing-admin:billing_export.gcp_billing_export_v1_0123AB_4567CD_89EF01 was not found in location US", times: 1 },
      /^gcp: ml-billing-admin\.billing_export\.gcp_billing_export_v1_0123AB_4567CD_89EF01 was not found \(check --gcp-table, and gcp\.location/,
    ],
    [
      "bytes-billed limit",
      { on: "query" as const, status: 400, reason: "bytesBilledLimitExceeded", message: "Query exceeded limit for bytes billed: 50000000000. 61865984000 or higher required.", times: 1 },
      /^gcp: the query would bill more than the 50 GB allowed by gcp\.maximumBytesBilled: shorten the window or raise the limit$/,
    ],
    [
      "quota",
      { on: "query" as const, status: 403, reason: "quotaExceeded", message: "Quota exceeded: Your project exceeded quota for free query bytes scanned.", times: 1 },
      /^gcp: BigQuery quota exceeded: Quota exceeded: Your project exceeded quota for free query bytes scanned\.$/,
    ],
    [
      "a failing poll",
      { on: "getQueryResults" as const, status: 400, reason: "invalidQuery", message: "Unrecognized name: _PARTITIONTIME at [13:9]", times: 1 },
      /^gcp: BigQuery rejected the query: Unrecognized name: _PARTITIONTIME at \[13:9\]$/,
    ],
  ])("explains %s in one line, without retrying it", async (_name, injected, message) => {
    const { fake, env } = await start({ errors: [injected], incompleteAnswers: 1 });
    const error = await gcpSource.fetch(gcpContext(env)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("\n");
    expect(fake.calls.filter((c) => c.path !== "/token")).toHaveLength(injected.on === "query" ? 1 : 2);
  });

  const hangs = (on: "query" | "getQueryResults", times: number) => ({ on, status: 0, reason: "", message: "", times });
  const requestIds = (f: BigQueryFake) => f.calls.filter((c) => c.method === "POST" && c.path.endsWith("/queries")).map((c) => c.body?.requestId);

  it("repeats a call that hung, with the same requestId, and cuts the abandoned request off", async () => {
    const { fake, env } = await start({ errors: [hangs("query", 1)] });
    const result = await gcpSource.fetch(gcpContext(env, { http: { timeoutMs: 2000, retryBaseMs: 10, maxAttempts: 3 } }));
    expect(result.records).toEqual(expected);
    const ids = requestIds(fake);
    expect(ids).toHaveLength(2);
    expect(ids[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids[1]).toBe(ids[0]);
    expect(result.requests).toEqual({ "jobs.query": 2 });
    // The client closed the hung request's connection rather than leaving it open beside the second attempt.
    await expect.poll(() => fake.hungOpen).toBe(0);
  });

  it("repeats a page request that hung, alone", async () => {
    const { fake, env } = await start({ errors: [hangs("getQueryResults", 1)], pageSize: 5 });
    const result = await gcpSource.fetch(gcpContext(env, { http: { timeoutMs: 2000, retryBaseMs: 10, maxAttempts: 3 } }));
    expect(result.records).toEqual(expected);
    expect(requestIds(fake)).toHaveLength(1);
    // Page 2 twice (the first attempt hung), then pages 3 and 4.
    expect(result.requests).toEqual({ "jobs.query": 1, "jobs.getQueryResults": 4 });
    await expect.poll(() => fake.hungOpen).toBe(0);
  });

  it("reports a call that never answers after the policy's attempts, leaving no request open", async () => {
    const { fake, error } = await failWith([hangs("query", 99)], { timeoutMs: 1500, retryBaseMs: 10, maxAttempts: 2 });
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toBe("gcp: BigQuery did not answer within 1500 ms, after 2 attempts");
    expect(queryCalls(fake)).toBe(2);
    await expect.poll(() => fake.hungOpen).toBe(0);
  });

  it("stops waiting and cuts the request off when the run is interrupted mid-call", async () => {
    const { fake, env } = await start({ errors: [hangs("query", 1)] });
    const controller = new AbortController();
    const fetching = gcpSource.fetch(gcpContext(env, { signal: controller.signal }));
    // Interrupted once the call is under way (not after a fixed time: the credential exchange may take longer).
    await expect.poll(() => queryCalls(fake)).toBe(1);
    controller.abort();
    await expect(fetching).rejects.toThrow("gcp: interrupted");
    expect(queryCalls(fake)).toBe(1);
    await expect.poll(() => fake.hungOpen).toBe(0);
  });

  it("stops when the run is interrupted", async () => {
    const { env } = await start({ incompleteAnswers: 1 });
    const controller = new AbortController();
    controller.abort();
    await expect(gcpSource.fetch(gcpContext(env, { signal: controller.signal }))).rejects.toThrow("gcp: interrupted");
  });

  it("gives up after the policy's attempts when the service stays down", async () => {
    const { fake, error } = await failWith([{ on: "query", status: 500, reason: "internalError", message: "An internal error occurred.", times: 99 }]);
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toBe("gcp: BigQuery failed (HTTP 500) after retries: An internal error occurred.");
    expect(queryCalls(fake)).toBe(3);
  });
});
