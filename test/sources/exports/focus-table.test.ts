import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFocusEngine, type FocusEngine } from "../../fakes/bigquery-focus.js";
import { startBigQueryFake, type BigQueryFake, type RecordedCall } from "../../fakes/bigquery.js";
import { expectRefused } from "../../helpers/bad-input.js";
import { repoRoot, runCli } from "../../helpers/run-cli.js";
import { exportTable, gcpTestEnv } from "../gcp/harness.js";
// The same hand-checked truth as the files: BigQuery runs the same query definition in GoogleSQL.
import { focusTruth } from "./focus-truth.js";

const fixture = (name: string): string => join(repoRoot, "test/fixtures/exports", name);
const table = (name: string): string => `finops-prod.focus.${name}`;

let engine: FocusEngine;
let fake: BigQueryFake;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ct-focus-table-"));
  // A table a team loaded: the window's column as text, price details as JSON, partitioned by billing month.
  const typed = join(dir, "typed.csv");
  writeFileSync(
    typed,
    [
      "BillingPeriodStart,ChargeCategory,ChargePeriodStart,ChargePeriodEnd,ConsumedQuantity,ConsumedUnit,ProviderName,SubAccountId,RegionId,ResourceId,PricingCategory,SkuPriceDetails",
      `2026-10-01T00:00:00Z,Usage,2026-10-05T10:00:00Z,2026-10-05T11:00:00Z,1,Hours,AWS,111122223333,us-east-1,i-1,Standard,"{""InstanceType"":""p5.48xlarge""}"`,
      `2026-10-01T00:00:00Z,Usage,2026-10-05T11:00:00Z,2026-10-05T12:00:00Z,1,Hours,AWS,111122223333,us-east-1,i-1,Dynamic,"{""InstanceType"":""p5.48xlarge""}"`,
      `2026-09-01T00:00:00Z,Usage,2026-09-30T11:00:00Z,2026-09-30T12:00:00Z,1,Hours,AWS,111122223333,us-east-1,i-1,Standard,"{""InstanceType"":""p5.48xlarge""}"`,
    ].join("\n"),
  );
  engine = await startFocusEngine({
    [table("sample_1_0")]: { csv: [fixture("focus-1.0-sample-cut.csv")], partitionColumn: "ChargePeriodStart" },
    [table("scenario_3")]: { csv: [fixture("focus-1.2-scenario-3-gpu.csv")] },
    [table("zero_util")]: { csv: [fixture("focus-1.2-zero-utilization-gpu.csv")], kind: "VIEW" },
    [table("overage")]: { csv: [fixture("focus-1.2-overage-gpu.csv")], partitionColumn: null },
    [table("azure_gcp")]: { csv: [fixture("focus-1.0-azure-gcp.csv")] },
    [table("typed")]: { csv: [typed], retype: { ChargePeriodStart: "VARCHAR", SkuPriceDetails: "JSON" }, partitionColumn: "BillingPeriodStart" },
    [table("cur")]: { csv: [fixture("cur2-traps.csv")] },
  });
  fake = await startBigQueryFake({ focus: engine, incompleteAnswers: 1 });
  env = { ...gcpTestEnv(fake.url), CARBON_TRACK_RETRY_BASE_MS: "20" };
});
afterAll(async () => {
  await fake.close();
  engine.close();
});

/** GPU hours per provider|account|region|type|day from the CLI's CSV, and the BigQuery calls the run made. */
async function focusRun(args: string[], extraEnv: Record<string, string> = {}) {
  const before = fake.calls.length;
  const res = await runCli(["--format", "csv", "--intensity", "static", "-v", ...args], { env: { ...env, ...extraEnv }, timeoutMs: 90_000 });
  const got: Record<string, number> = {};
  if (res.code === 0 && !args.includes("--dry-run")) {
    for (const r of parse(res.stdout, { columns: true }) as Record<string, string>[]) {
      const daily = Date.parse(r.period_end!) - Date.parse(r.period_start!) === 86_400_000;
      got[[r.provider, r.account, r.region, r.instance_type, r.period_start!.slice(0, daily ? 10 : 13)].join("|")] = Math.round(Number(r.quantity_hours) * 1e6) / 1e6;
    }
  }
  const calls = fake.calls.slice(before);
  const queries = calls.filter((c) => c.method === "POST" && c.path.endsWith("/queries"));
  return { ...res, got, calls, queries };
}

const parameters = (call: RecordedCall) => call.body!.queryParameters as { name: string; parameterType: { type: string }; parameterValue: { value: string } }[];

describe("--focus-table: a FOCUS table in BigQuery, through the BigQuery client", () => {
  it.each([
    ["sample_1_0", "focus-1.0-sample-cut.csv", "2024-09-01", "2024-09-30", /FOCUS 1\.0 table .*partitions pruned by the ChargePeriodStart window/],
    ["scenario_3", "focus-1.2-scenario-3-gpu.csv", "2023-01-01", "2023-01-01", /FOCUS 1\.\d table .*not partitioned/],
    ["zero_util", "focus-1.2-zero-utilization-gpu.csv", "2023-01-01", "2023-01-01", /view .*a view: BigQuery applies the ChargePeriodStart window/],
  ] as const)("%s gives the hand-checked hours of %s", async (name, file, since, until, said) => {
    const res = await focusRun(["--focus-table", table(name), "--since", since, "--until", until]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.got).toEqual(focusTruth[file]);
    expect(res.stderr).toMatch(said);
    expect(res.stderr).toMatch(/bigquery: job job_fake_\d+/);
    expect(res.stderr).toMatch(/processed 0\.05 GB, billed 0\.05 GB \(limit 50 GB\)/);
    expect(res.stderr).toMatch(/bigquery requests: .*"tables\.get":1.*"jobs\.query":1/);
    expect(fake.sqlProblems.at(-1)).toEqual([]);
  }, 120_000);

  it("the window reaches BigQuery as named DATE parameters, never in the SQL text; the table only in backticks", async () => {
    const res = await focusRun(["--focus-table", table("sample_1_0"), "--since", "2024-09-20", "--until", "2024-09-24"]);
    expect(res.code, res.stderr).toBe(0);
    const { ["aws|11353890204|us-east-1|g5.4xlarge|2024-09-20"]: a, ["aws|11353890204|us-east-1|g5.4xlarge|2024-09-21"]: b } = focusTruth["focus-1.0-sample-cut.csv"];
    expect(res.got).toEqual({
      "aws|11353890204|us-east-1|g5.4xlarge|2024-09-20": a,
      "aws|11353890204|us-east-1|g5.4xlarge|2024-09-21": b,
      "aws|11353890204|us-east-1|g5.4xlarge|2024-09-22": 1,
      "aws|11353890204|us-east-1|g5.4xlarge|2024-09-24": 1,
      "aws|11353890204|us-east-1|g3.4xlarge|2024-09-24": 1,
    });
    expect(res.queries).toHaveLength(1);
    const body = res.queries[0]!.body!;
    const sql = String(body.query);
    expect(sql).not.toMatch(/2024|\d{4}-\d{2}-\d{2}/);
    expect(sql).toMatch(/`ChargePeriodStart` >= TIMESTAMP\(@since\)/);
    expect(sql).toMatch(/`ChargePeriodStart` < TIMESTAMP\(DATE_ADD\(@until, INTERVAL 1 DAY\)\)/);
    expect(sql).toMatch(/FROM `finops-prod\.focus\.sample_1_0`/);
    expect(sql).not.toMatch(/"/);
    expect(sql).toMatch(/GROUP BY 1, 2, 3, 4, 5\n/);
    expect(parameters(res.queries[0]!)).toEqual([
      { name: "since", parameterType: { type: "DATE" }, parameterValue: { value: "2024-09-20" } },
      { name: "until", parameterType: { type: "DATE" }, parameterValue: { value: "2024-09-24" } },
    ]);
    expect(body).toMatchObject({ useLegacySql: false, parameterMode: "NAMED", maximumBytesBilled: "50000000000" });
    // The table's metadata is read in its own project; the job runs in the same one unless GOOGLE_CLOUD_PROJECT says.
    expect(res.calls.find((c) => c.method === "GET" && c.path.includes("/tables/"))!.path).toBe("/projects/finops-prod/datasets/focus/tables/sample_1_0");
    expect(res.queries[0]!.path).toBe("/projects/finops-prod/queries");
  }, 120_000);

  it("FOCUS 1.2 traps through GoogleSQL: one resource-hour capped, Spot and a correction kept, purchase options named", async () => {
    const res = await focusRun(["--focus-table", table("overage"), "--since", "2026-10-05", "--until", "2026-10-05"], { GOOGLE_CLOUD_PROJECT: "finops-jobs" });
    expect(res.code, res.stderr).toBe(0);
    expect(res.got).toEqual(focusTruth["focus-1.2-overage-gpu.csv"]);
    expect(res.stderr).toMatch(/FOCUS 1\.2/);
    expect(res.stderr).toMatch(/partitioned by ingestion time/);
    expect(res.stderr).toMatch(/bigquery: 1 h above 1 h per instance-hour clipped/);
    expect(res.stderr).toMatch(/bigquery: 1 GPU usage rows are corrections/);
    expect(res.stderr).toMatch(/purchase options committed, on-demand, spot/);
    expect(res.queries[0]!.path).toBe("/projects/finops-jobs/queries");
  }, 120_000);

  it("Azure licence rows do not double the VM hours; GCP GPU seconds become GPU-hours", async () => {
    const res = await focusRun(["--focus-table", table("azure_gcp"), "--since", "2026-10-05", "--until", "2026-10-05"]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.got).toEqual(focusTruth["focus-1.0-azure-gcp.csv"]);
    expect(res.stderr).toMatch(/1 GPU usage rows with negative quantity kept/);
  }, 120_000);

  it("a JSON column is read as JSON text, a text time column is cast, a billing-month partition is bounded; hourly", async () => {
    const res = await focusRun(["--focus-table", table("typed"), "--since", "2026-10-05", "--until", "2026-10-05", "--granularity", "hourly"]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.got).toEqual({ "aws|111122223333|us-east-1|p5.48xlarge|2026-10-05T10": 1, "aws|111122223333|us-east-1|p5.48xlarge|2026-10-05T11": 1 });
    const sql = String(res.queries[0]!.body!.query);
    expect(sql).toMatch(/SELECT \* REPLACE \(TO_JSON_STRING\(`SkuPriceDetails`\) AS `SkuPriceDetails`\)/);
    expect(sql).toMatch(/SAFE_CAST\(`ChargePeriodStart` AS TIMESTAMP\) >= TIMESTAMP\(@since\)/);
    expect(sql).toMatch(/`BillingPeriodStart` >= TIMESTAMP\(DATE_TRUNC\(@since, MONTH\)\)/);
    expect(res.stderr).toMatch(/partitions pruned to the billing periods the window touches/);
    expect(res.stderr).toMatch(/purchase options on-demand, spot/);
  }, 120_000);

  it("the config's gcp.focusTable chooses the table alone, under its maximumBytesBilled", async () => {
    const config = join(dir, "focus-config.json");
    writeFileSync(config, JSON.stringify({ gcp: { focusTable: table("scenario_3"), maximumBytesBilled: 60_000_000, table: "finops-prod.billing.gcp_billing_export_v1_0123AB_4567CD_89EF01" } }));
    const res = await focusRun(["--config", config, "--since", "2023-01-01", "--until", "2023-01-01"]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.got).toEqual(focusTruth["focus-1.2-scenario-3-gpu.csv"]);
    expect(res.queries).toHaveLength(1);
    expect(res.queries[0]!.body!.maximumBytesBilled).toBe("60000000");
    expect(res.stderr).not.toMatch(/querying .*gcp_billing_export_v1/);
  }, 120_000);

  it("--dry-run reads the schema and asks BigQuery's dry run: no job runs, nothing is created", async () => {
    const res = await focusRun(["--focus-table", table("sample_1_0"), "--since", "2024-09-01", "--until", "2024-09-30", "--dry-run"]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/bigquery:\n {2}FOCUS 1\.0 table finops-prod\.focus\.sample_1_0; partitions pruned/);
    expect(res.stdout).toMatch(/0\.05 GB scanned by the dry run; limit 50 GB/);
    expect(res.stdout).toMatch(/bigquery tables\.get: 1, bigquery jobs\.query \(dry run\): 1/);
    expect(res.queries).toHaveLength(1);
    expect(res.queries[0]!.body!.dryRun).toBe(true);
  }, 120_000);

  it("a query over the cost guard fails on one line naming the limit; nothing is written", async () => {
    const config = join(dir, "small-guard.json");
    writeFileSync(config, JSON.stringify({ gcp: { maximumBytesBilled: 1_000_000 } }));
    const res = await focusRun(["--config", config, "--focus-table", table("scenario_3"), "--since", "2023-01-01", "--until", "2023-01-01"]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe("");
    expect(res.stderr).toMatch(/would bill more than the 0 GB allowed by gcp\.maximumBytesBilled/);
  }, 120_000);

  it("a transient failure of tables.get or of the query is retried, like the billing export's calls", async () => {
    const flaky = await startBigQueryFake({
      focus: engine,
      errors: [
        { on: "tables.get", status: 503, reason: "backendError", message: "try again", times: 1 },
        { on: "query", status: 500, reason: "backendError", message: "try again", times: 1 },
      ],
    });
    try {
      const res = await runCli(["--format", "csv", "--intensity", "static", "-v", "--focus-table", table("scenario_3"), "--since", "2023-01-01", "--until", "2023-01-01"], {
        env: { ...gcpTestEnv(flaky.url), CARBON_TRACK_RETRY_BASE_MS: "20" },
        timeoutMs: 90_000,
      });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stderr).toMatch(/bigquery requests: .*"tables\.get":2.*"jobs\.query":2/);
    } finally {
      await flaky.close();
    }
  }, 120_000);

  it("a table that does not exist names --focus-table", async () => {
    const res = await focusRun(["--focus-table", table("missing"), "--since", "2023-01-01", "--until", "2023-01-01"]);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/finops-prod\.focus\.missing was not found \(check --focus-table/);
  }, 120_000);
});

describe("--focus-table: bad input is exit 2, one line, nothing created", () => {
  it.each([
    ["a name without a project", ["--focus-table", "focus.table"], /--focus-table "focus\.table" is not project\.dataset\.table/],
    ["a name that would close the quote", ["--focus-table", "finops-prod.focus.t`; DROP TABLE x"], /--focus-table ".*" is not project\.dataset\.table/],
    ["with --export", ["--focus-table", table("sample_1_0"), "--export", "x.csv"], /--focus-table and --export both choose the data/],
    ["with --athena-table", ["--focus-table", table("sample_1_0"), "--athena-table", "cur.cur2"], /--focus-table and --athena-table both choose the data/],
  ])("%s", async (name, args, message) => {
    await expectRefused({ name, args: [...args, "-q"], env, message });
  }, 60_000);

  it("with --providers gcp and the table holding GCP rows: refused after the table's read, before the billing export is asked", async () => {
    const before = fake.calls.length;
    await expectRefused({
      name: "overlap",
      args: ["--focus-table", table("azure_gcp"), "--providers", "gcp", "--gcp-table", exportTable, "--since", "2026-10-05", "--until", "2026-10-05", "-q"],
      env,
      message: /gcp: in the BigQuery table finops-prod\.focus\.azure_gcp \(--focus-table\) and asked of the API by --providers: the same hours would count twice/,
    });
    const calls = fake.calls.slice(before);
    expect(calls.some((c) => c.method === "POST" && c.path.endsWith("/queries"))).toBe(true);
    expect(calls.filter((c) => JSON.stringify(c).includes("billing_export"))).toEqual([]);
  }, 60_000);

  it("a bad gcp.focusTable in the config names the key", async () => {
    await expectRefused({
      name: "config",
      args: ["--config", "$DIR/c.json", "-q"],
      files: { "c.json": JSON.stringify({ gcp: { focusTable: "no-dots" } }) },
      env,
      message: /config gcp\.focusTable "no-dots" is not project\.dataset\.table/,
    });
  }, 60_000);

  it("a table without the needed columns names them", async () => {
    await expectRefused({
      name: "cur table",
      args: ["--focus-table", table("cur"), "--since", "2026-10-01", "--until", "2026-10-03", "-q"],
      env,
      message: /--focus-table finops-prod\.focus\.cur is not FOCUS: FOCUS lacks ChargeCategory, ChargePeriodStart, ChargePeriodEnd, ConsumedQuantity, ConsumedUnit/,
    });
  }, 60_000);
});
