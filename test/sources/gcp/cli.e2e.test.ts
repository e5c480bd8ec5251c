import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type BigQueryFake, fakeAccessToken, loadAggregateFixture, startBigQueryFake } from "../../fakes/bigquery.js";
import { runCli } from "../../helpers/run-cli.js";
import { aggregateFixture, fakeSubjectToken, gcpTestEnv } from "./harness.js";

const table = "proj.billing.gcp_billing_export_v1_0123AB_4567CD_89EF01";
let fake: BigQueryFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** Needs the built CLI (npm run build). */
describe("carbon-track with --providers gcp against a loopback BigQuery", () => {
  it("prints the tables and writes the CSVs", async () => {
    fake = await startBigQueryFake({ fixture: loadAggregateFixture(aggregateFixture), rebaseToSince: true, pageSize: 5, incompleteAnswers: 1 });
    const out = mkdtempSync(join(tmpdir(), "carbon-track-gcp-out-"));
    const env = { ...gcpTestEnv(fake.url), CARBON_TRACK_TIMEOUT_MS: "2000", CARBON_TRACK_RETRY_BASE_MS: "10" };
    const result = await runCli(["30", "--providers", "gcp", "--gcp-table", table, "--out", out, "--verbose"], { env });

    expect(result.stderr).not.toMatch(/error:/);
    expect(result.code).toBe(0);
    expect(fake.sqlProblems).toEqual([[]]);
    for (const type of ["a2-highgpu-8g", "a3-highgpu-8g", "g2-standard-96", "nvidia-tesla-t4", "nvidia-tesla-v100", "nvidia-tesla-p100", "n1-standard-8"]) {
      expect(result.stdout).toContain(type);
    }
    expect(result.stderr).toMatch(/gcp: job job_fake_1 processed 1\.873 GB/);

    const files = readdirSync(out);
    const detail = files.find((f) => /^carbon_detail_\d{8}_\d{6}\.csv$/.test(f));
    expect(detail).toBeDefined();
    const csv = readFileSync(join(out, detail!), "utf8");
    // One CSV line per fixture usage row: 7 machine rows, 5 attached-GPU rows and 5 of their N1 hosts.
    expect(csv.split("\n").filter((l) => l.startsWith("gcp,"))).toHaveLength(17);
    expect(csv).toMatch(/gcp,research-sandbox,us-central1,n1-highmem-96,instance-hour,23\.04(0*)?,/);
    expect(csv).toMatch(/gcp,ml-training-prod,us-central1,a2-highgpu-8g,instance-hour,48(\.0+)?,/);
    expect(csv).toMatch(/gcp,research-sandbox,us-central1,nvidia-tesla-v100,gpu-hour,192(\.0+)?,/);
    for (const text of [result.stdout, result.stderr, csv]) {
      expect(text).not.toContain(fakeAccessToken);
      expect(text).not.toContain(fakeSubjectToken);
    }
  });

  it("rejects a malformed table before creating anything (exit 2)", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "carbon-track-gcp-out-")), "not-created");
    const result = await runCli(["30", "--providers", "gcp", "--gcp-table", "proj.billing.x`; DROP", "--out", out], { env: {} });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is not a billing export table/);
    expect(() => readdirSync(out)).toThrow();
  });

  it("exits 1 and names the failure when the only provider fails", async () => {
    fake = await startBigQueryFake({
      fixture: loadAggregateFixture(aggregateFixture),
      errors: [{ on: "query", status: 404, reason: "notFound", message: "Not found: Dataset proj:billing", times: 1 }],
    });
    const out = mkdtempSync(join(tmpdir(), "carbon-track-gcp-out-"));
    const result = await runCli(["30", "--providers", "gcp", "--gcp-table", table, "--out", out], { env: { ...gcpTestEnv(fake.url), CARBON_TRACK_RETRY_BASE_MS: "10" } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`gcp: ${table} was not found`);
  });
});
