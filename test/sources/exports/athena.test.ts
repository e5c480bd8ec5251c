import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { athenaTestEnv, startFakeAthena, type FakeAthena } from "../../fakes/athena.js";
import { expectRefused } from "../../helpers/bad-input.js";
import { openDuck, sqlString, type Duck } from "../../helpers/duckdb.js";
import { repoRoot, runCli } from "../../helpers/run-cli.js";
import { awsSetup, azureSetup, fastPolicy, type BillingSetup } from "../../reliability/billing-setups.js";
// The same hand-checked truth as the files: Athena runs the same query definition in its dialect.
import { curTruth } from "./cur-truth.js";

const curFixture = join(repoRoot, "test/fixtures/exports/cur2-traps.csv");


let duck: Duck;
let fake: FakeAthena;
let dir: string;
const env = (): Record<string, string> => athenaTestEnv(fake.url);

beforeAll(async () => {
  duck = await openDuck();
  dir = mkdtempSync(join(tmpdir(), "ct-athena-"));
  const copy = async (path: string, where: string, from = `read_csv(${sqlString(curFixture)}, nullstr = ['NULL'], all_varchar = true)`): Promise<string> => {
    mkdirSync(join(path, ".."), { recursive: true });
    await duck.rows(`COPY (SELECT * FROM ${from} WHERE ${where}) TO ${sqlString(path)} (FORMAT parquet)`);
    return path;
  };
  // Two deliveries of October in create-new mode: the older lacks the SageMaker row.
  const older = await copy(join(dir, "cur/BILLING_PERIOD=2026-10/20261003T0100/part-0.parquet"), "line_item_product_code <> 'AmazonSageMaker'");
  const newer = await copy(join(dir, "cur/BILLING_PERIOD=2026-10/20261004T0100/part-0.parquet"), "true");
  // 1,500 hourly p5 rows: an hourly answer of 1,500 rows takes two result pages.
  const many = await copy(
    join(dir, "many/BILLING_PERIOD=2026-10/d1/part-0.parquet"),
    "true",
    `(SELECT 'Usage' AS line_item_line_item_type, 'AmazonEC2' AS line_item_product_code, 'RunInstances' AS line_item_operation,
        'USE1-BoxUsage:p5.48xlarge' AS line_item_usage_type, '1.0' AS line_item_usage_amount,
        strftime(TIMESTAMP '2026-10-01' + INTERVAL (i) HOUR, '%Y-%m-%dT%H:%M:%SZ') AS line_item_usage_start_date,
        strftime(TIMESTAMP '2026-10-01' + INTERVAL (i + 1) HOUR, '%Y-%m-%dT%H:%M:%SZ') AS line_item_usage_end_date,
        '111122223333' AS line_item_usage_account_id, 'us-east-1' AS product_region_code, 'p5.48xlarge' AS product_instance_type,
        'Hrs' AS pricing_unit, 'i-0p5' AS line_item_resource_id
      FROM range(1500) t(i))`,
  );
  const other = await copy(join(dir, "other/part-0.parquet"), "true", "(SELECT 1 AS a, 'x' AS b)");
  fake = await startFakeAthena({ tables: { "cur.cur2": [older, newer], "cur.many": [many], "cur.other": [other] }, throttleStarts: 1 });
});
afterAll(async () => {
  await fake.close();
  duck.close();
});

async function athenaRun(args: string[]) {
  const res = await runCli(["--format", "csv", "--intensity", "static", "-v", ...args], { env: env(), timeoutMs: 90_000 });
  const got: Record<string, number> = {};
  if (res.code === 0) {
    for (const r of parse(res.stdout, { columns: true }) as Record<string, string>[]) {
      const daily = Date.parse(r.period_end!) - Date.parse(r.period_start!) === 86_400_000;
      got[[r.provider, r.account, r.region, r.instance_type, r.period_start!.slice(0, daily ? 10 : 13)].join("|")] = Number(r.quantity_hours);
    }
  }
  return { ...res, got };
}

describe("--athena-table: CUR 2.0 in place, through @aws-sdk/client-athena", () => {
  it("gives the hand-checked hours from the latest delivery, with the window and partition as parameters", async () => {
    const before = fake.calls.length;
    const res = await athenaRun(["--athena-table", "cur.cur2", "--athena-workgroup", "primary", "--since", "2026-10-01", "--until", "2026-10-03"]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.got).toEqual(curTruth);
    expect(res.stderr).toMatch(/athena: query q-\d+/);
    expect(res.stderr).toMatch(/scanned 1234 bytes/);
    const main = fake.queries.at(-1)!;
    expect(main.parameters).toEqual(["'2026-10'", "'2026-10'", "'2026-10-01T00:00:00Z'", "'2026-10-04T00:00:00Z'"]);
    // Parameterised: no value from the command line is in the text; filtered by partition and time; grouped.
    expect(main.sql).not.toMatch(/2026-10/);
    expect(main.sql).toMatch(/BETWEEN \? AND \?/);
    expect(main.sql).toMatch(/TRY_CAST\("line_item_usage_start_date" AS timestamp\) >= from_iso8601_timestamp\(\?\)/);
    expect(main.sql).toMatch(/"\$path"/);
    expect(main.sql).toMatch(/regexp_like/);
    expect(main.sql).not.toMatch(/regexp_matches|QUALIFY/);
    expect(main.sql).toMatch(/GROUP BY 1, 2, 3, 4, 5/);
    const calls = fake.calls.slice(before);
    const starts = calls.filter((c) => c.operation === "StartQueryExecution");
    // The probe, the query, and one start throttled (CONCURRENT_QUERY_LIMIT_EXCEEDED) and retried by the SDK.
    expect(starts).toHaveLength(3);
    expect(starts.at(-1)!.body.WorkGroup).toBe("primary");
    // Each query was polled QUEUED, RUNNING, then SUCCEEDED.
    expect(calls.filter((c) => c.operation === "GetQueryExecution").length).toBeGreaterThanOrEqual(6);
    expect(res.stderr).toMatch(/athena requests: .*"GetQueryResults":2/);
  }, 120_000);

  it("pages results 1,000 rows at a time, the header row skipped", async () => {
    const res = await athenaRun(["--athena-table", "cur.many", "--granularity", "hourly", "--since", "2026-10-01", "--until", "2026-12-05"]);
    expect(res.code, res.stderr).toBe(0);
    expect(Object.keys(res.got)).toHaveLength(1500);
    expect(Object.values(res.got).every((h) => h === 1)).toBe(true);
    const pages = fake.calls.filter((c) => c.operation === "GetQueryResults" && c.body.QueryExecutionId === `q-${String(fake.queries.length).padStart(4, "0")}`);
    expect(pages).toHaveLength(2);
    expect(pages.every((p) => p.body.MaxResults === 1000)).toBe(true);
  }, 120_000);

  it("a failed query is one line that names Athena and the query; nothing is written", async () => {
    const res = await athenaRun(["--athena-table", "cur.missing", "--since", "2026-10-01", "--until", "2026-10-03"]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe("");
    expect(res.stderr).toMatch(/athena: query q-\d+ failed: .*missing/);
  }, 120_000);

  it("the config file's athena keys choose the table alone; Cost Explorer is not queried with the same credentials", async () => {
    const config = join(dir, "athena-config.json");
    writeFileSync(config, JSON.stringify({ athena: { table: "cur.cur2", workgroup: "from-config" } }));
    const res = await athenaRun(["--config", config, "--since", "2026-10-01", "--until", "2026-10-03"]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.got).toEqual(curTruth);
    expect(fake.calls.filter((c) => c.operation === "StartQueryExecution").at(-1)!.body.WorkGroup).toBe("from-config");
    expect(res.stderr).not.toMatch(/querying aws|aws requests/);
  }, 120_000);

  describe("beside --providers", () => {
    let costExplorer: BillingSetup;
    let azure: BillingSetup;
    beforeAll(async () => {
      [costExplorer, azure] = await Promise.all([awsSetup(), azureSetup()]);
    });
    afterAll(() => Promise.all([costExplorer.close(), azure.close()]));

    it("--providers aws: the table's AWS rows are refused before Cost Explorer is asked with the same credentials", async () => {
      const startsBefore = fake.calls.filter((c) => c.operation === "StartQueryExecution").length;
      await expectRefused({
        name: "athena overlap",
        args: ["--athena-table", "cur.cur2", "--providers", "aws", "--since", "2026-10-01", "--until", "2026-10-03", "-q"],
        env: { ...costExplorer.env(costExplorer.upstream), AWS_ENDPOINT_URL_ATHENA: fake.url, CARBON_TRACK_RETRY_BASE_MS: "20" },
        message: /aws: in the Athena table cur\.cur2 \(--athena-table\) and asked of the API by --providers: the same hours would count twice/,
      });
      expect(fake.calls.filter((c) => c.operation === "StartQueryExecution").length).toBeGreaterThan(startsBefore);
      expect(costExplorer.dataRequests().count).toBe(0);
    }, 120_000);

    it("--providers azure: one run gives the table's hours and Azure's", async () => {
      const args = ["--format", "csv", "--intensity", "static", "--since", "2026-10-01", "--until", "2026-10-03", "--providers", "azure", ...azure.args];
      const azureEnv = { ...fastPolicy, ...azure.env(azure.upstream) };
      const alone = await runCli(args, { env: azureEnv, timeoutMs: 60_000 });
      expect(alone.code, alone.stderr).toBe(0);
      const both = await runCli(["--athena-table", "cur.cur2", ...args], { env: { ...env(), ...azureEnv }, timeoutMs: 90_000 });
      expect(both.code, both.stderr).toBe(0);
      const rows = (csv: string) => (parse(csv, { columns: true }) as Record<string, string>[]).map((r) => `${r.provider}|${r.account}|${r.instance_type}|${r.period_start}|${r.quantity_hours}`).sort();
      const athenaAlone = (await athenaRun(["--athena-table", "cur.cur2", "--since", "2026-10-01", "--until", "2026-10-03"])).stdout;
      expect(rows(both.stdout)).toEqual([...rows(athenaAlone), ...rows(alone.stdout)].sort());
    }, 120_000);
  });

  it("a table without the needed columns is exit 2, one line, nothing created", async () => {
    await expectRefused({
      name: "athena other",
      args: ["--athena-table", "cur.other", "--since", "2026-10-01", "--until", "2026-10-03", "-q"],
      env: env(),
      message: /--athena-table cur\.other is neither FOCUS nor CUR 2\.0: .*lacks/,
    });
  }, 120_000);
});
