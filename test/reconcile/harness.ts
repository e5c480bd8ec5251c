import { mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AggregateFixture } from "../fakes/bigquery.js";
import { openDuck, sqlString } from "../helpers/duckdb.js";
import { repoRoot } from "../helpers/run-cli.js";

export const fixtures = join(repoRoot, "test/fixtures/reconcile");
/** A previous run's detail CSV: `carbon-track --input usage.csv --since 2026-09-01 --until 2026-10-31 --format csv`. */
export const detailCsv = join(fixtures, "carbon-detail.csv");
export const usageCsv = join(fixtures, "usage.csv");
export const awsExport = join(fixtures, "aws-carbon-export");
export const gcpTable = "ml-billing-admin.carbon_footprint.carbon_footprint";
export const azureSubscription = "0a1b2c3d-0000-4000-8000-00000000000a";

/** The columns the reconciliation's BigQuery query returns: the fake's schema for its f/v cells. */
export const gcpCarbonSchema: AggregateFixture = {
  schema: [
    { name: "usage_month", type: "STRING" },
    { name: "account", type: "STRING" },
    { name: "region", type: "STRING" },
    { name: "model_version", type: "STRING" },
    { name: "service_kg", type: "FLOAT" },
    { name: "service_market_kg", type: "FLOAT" },
    { name: "all_kg", type: "FLOAT" },
  ],
  rows: [],
  totalBytesProcessed: "48213",
};

const dateParam = (body: Record<string, unknown>, name: string): string | undefined =>
  (body.queryParameters as Array<{ name: string; parameterType: { type: string }; parameterValue: { value: string } }> | undefined)?.find(
    (p) => p.name === name && p.parameterType.type === "DATE",
  )?.parameterValue.value;

/** What a Carbon Footprint query must look like: named DATE bounds on usage_month, a cost guard, no literal dates. */
export function checkGcpCarbonRequest(body: Record<string, unknown>): string[] {
  const sql = String(body.query ?? "");
  const problems: string[] = [];
  if (!/WHERE usage_month BETWEEN @since AND @until/.test(sql)) problems.push("usage_month not bounded by @since and @until");
  if (/\d{4}-\d{2}-\d{2}/.test(sql)) problems.push("a date literal in the SQL");
  if (!/^\d{4}-\d{2}-01$/.test(dateParam(body, "since") ?? "") || !/^\d{4}-\d{2}-01$/.test(dateParam(body, "until") ?? "")) problems.push("no DATE parameters at a month's first day");
  if (typeof body.maximumBytesBilled !== "string") problems.push("no maximumBytesBilled");
  if (body.useLegacySql !== false) problems.push("legacy SQL");
  return problems;
}

/**
 * Answers the query as BigQuery would: its own SQL, run by DuckDB on the fixture's rows in the export's documented
 * nested shape, with BigQuery's few functions and types the query uses defined alike.
 */
export async function answerGcpCarbon(body: Record<string, unknown>): Promise<AggregateFixture["rows"]> {
  const duck = await openDuck();
  try {
    await duck.rows("CREATE TYPE FLOAT64 AS DOUBLE");
    await duck.rows("CREATE MACRO format_date(f, d) AS strftime(d, f)");
    await duck.rows(`CREATE TABLE carbon AS SELECT * FROM read_json(${sqlString(join(fixtures, "gcp-carbon-footprint.json"))}, format = 'array')`);
    const sql = String(body.query)
      .replace(/`[^`]+`/, "carbon")
      .replace(/@since/g, `DATE ${sqlString(dateParam(body, "since")!)}`)
      .replace(/@until/g, `DATE ${sqlString(dateParam(body, "until")!)}`);
    return (await duck.rows(sql)).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null || v === undefined ? null : String(v)])));
  } finally {
    duck.close();
  }
}

/**
 * The AWS export as an Athena table holds it: Parquet files, with the `usage_period` partition as a column. Written
 * flat (Athena's partition folders would repeat model_version, which the files hold).
 */
export async function awsExportAsParquet(): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "ct-reconcile-athena-"));
  mkdirSync(dir, { recursive: true });
  const duck = await openDuck();
  const files: string[] = [];
  try {
    for (const version of readdirSync(awsExport)) {
      for (const period of readdirSync(join(awsExport, version))) {
        const csv = join(awsExport, version, period, "carbon-emissions-00001.csv");
        const out = join(dir, `${version.replace("=", "-")}_${period.replace("=", "-")}.parquet`);
        const usagePeriod = period.split("=")[1]!;
        await duck.rows(
          `COPY (SELECT *, ${sqlString(usagePeriod)} AS usage_period FROM read_csv(${sqlString(csv)}, header = true, all_varchar = true)) TO ${sqlString(out)} (FORMAT parquet)`,
        );
        files.push(out);
      }
    }
  } finally {
    duck.close();
  }
  return files;
}
