import { copyFileSync, mkdirSync, mkdtempSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDuck, sqlString, type Duck } from "../../helpers/duckdb.js";
import { repoRoot, runCli } from "../../helpers/run-cli.js";
import { curTruth } from "./cur-truth.js";
import { focusTruth } from "./focus-truth.js";

const fixture = (name: string): string => join(repoRoot, "test/fixtures/exports", name);

/** GPU hours per provider|account|region|type|period start, from the CLI's CSV on stdout. */
async function hours(args: string[]): Promise<{ got: Record<string, number>; stderr: string; units: Record<string, string> }> {
  const res = await runCli(["--format", "csv", "--intensity", "static", "-v", ...args], { timeoutMs: 60_000 });
  expect(res.code, res.stderr).toBe(0);
  const got: Record<string, number> = {};
  const units: Record<string, string> = {};
  for (const r of parse(res.stdout, { columns: true }) as Record<string, string>[]) {
    const key = [r.provider, r.account, r.region, r.instance_type, r.period_start!.slice(0, Date.parse(r.period_end!) - Date.parse(r.period_start!) === 86_400_000 ? 10 : 13)].join("|");
    got[key] = Math.round(Number(r.quantity_hours) * 1e6) / 1e6;
    units[r.instance_type!] = r.unit!;
  }
  return { got, stderr: res.stderr, units };
}


let duck: Duck;
let dir: string;
beforeAll(async () => {
  duck = await openDuck();
  dir = mkdtempSync(join(tmpdir(), "ct-export-"));
});
afterAll(() => duck.close());

/** The CUR fixture written by DuckDB as Parquet or gzipped CSV, optionally only the rows `where` keeps. */
async function curCopy(path: string, format: "parquet" | "csv.gz", where = "true"): Promise<string> {
  const options = format === "parquet" ? "(FORMAT parquet)" : "(FORMAT csv, HEADER, COMPRESSION gzip)";
  await duck.rows(
    `COPY (SELECT * FROM read_csv(${sqlString(fixture("cur2-traps.csv"))}, nullstr = ['NULL'], all_varchar = true) WHERE ${where}) TO ${sqlString(path)} ${options}`,
  );
  return path;
}

describe("--export: FOCUS files", () => {
  it("the FOCUS 1.0 sample gives its ten AWS GPU rows per day; Oracle, Azure D11 and negative non-GPU rows are out", async () => {
    const { got, stderr } = await hours(["--export", fixture("focus-1.0-sample-cut.csv")]);
    expect(got).toEqual(focusTruth["focus-1.0-sample-cut.csv"]);
    expect(stderr).toMatch(/FOCUS 1\.0/);
    expect(stderr).toMatch(/purchase options on-demand/);
  });

  it("spec scenario 3 keeps the Used hour; the zero-utilisation example keeps 1 h where a naive sum gives 2", async () => {
    expect((await hours(["--export", fixture("focus-1.2-scenario-3-gpu.csv")])).got).toEqual(focusTruth["focus-1.2-scenario-3-gpu.csv"]);
    expect((await hours(["--export", fixture("focus-1.2-zero-utilization-gpu.csv")])).got).toEqual(focusTruth["focus-1.2-zero-utilization-gpu.csv"]);
  });

  it("scenario 4 caps one resource-hour at 1 h and says so; Spot and corrections are kept; an unused reservation is not", async () => {
    const { got, stderr } = await hours(["--export", fixture("focus-1.2-overage-gpu.csv")]);
    expect(got).toEqual(focusTruth["focus-1.2-overage-gpu.csv"]);
    expect(stderr).toMatch(/1 h above 1 h per instance-hour clipped/);
    expect(stderr).toMatch(/1 GPU usage rows are corrections/);
    expect(stderr).toMatch(/purchase options committed, on-demand, spot/);
    expect(stderr).toMatch(/FOCUS 1\.2/);
  });

  it("Azure licence rows do not double the VM hours; negative rows net; GCP GPU seconds become GPU-hours", async () => {
    const { got, stderr, units } = await hours(["--export", fixture("focus-1.0-azure-gcp.csv")]);
    expect(got).toEqual(focusTruth["focus-1.0-azure-gcp.csv"]);
    expect(units["nvidia-tesla-t4"]).toBe("gpu-hour");
    expect(stderr).toMatch(/1 GPU usage rows with negative quantity kept/);
  });

  it("an aggregated row that is not valid usage is left out and said, like any source's", async () => {
    const file = join(dir, "huge.csv");
    writeFileSync(
      file,
      [
        "ChargeCategory,ChargePeriodStart,ChargePeriodEnd,ConsumedQuantity,ConsumedUnit,ProviderName,SubAccountId,RegionId,SkuMeter",
        "Usage,2026-10-05T00:00:00Z,2026-10-06T00:00:00Z,24,Hours,AWS,111122223333,us-east-1,USE1-BoxUsage:p5.48xlarge",
        "Usage,2026-10-06T00:00:00Z,2026-10-07T00:00:00Z,2000000000,Hours,AWS,111122223333,us-east-1,USE1-BoxUsage:p5.48xlarge",
      ].join("\n"),
    );
    const { got, stderr } = await hours(["--export", file]);
    expect(got).toEqual({ "aws|111122223333|us-east-1|p5.48xlarge|2026-10-05": 24 });
    expect(stderr).toMatch(/1 aggregated rows left out, not valid usage \(quantity: /);
  });

  it("several --export files and a glob are read together", async () => {
    const d = join(dir, "glob");
    mkdirSync(d);
    copyFileSync(fixture("focus-1.2-overage-gpu.csv"), join(d, "a.csv"));
    copyFileSync(fixture("focus-1.0-azure-gcp.csv"), join(d, "b.csv"));
    const { got } = await hours(["--export", join(d, "*.csv"), "--export", fixture("focus-1.2-scenario-3-gpu.csv")]);
    expect(Object.keys(got)).toHaveLength(4);
  });
});

describe("--export: CUR 2.0", () => {
  it.each(["parquet", "csv.gz"] as const)("a %s file gives the hand-checked hours for every trap", async (format) => {
    const file = await curCopy(join(dir, `cur.${format}`), format);
    const { got, stderr } = await hours(["--export", file]);
    expect(got).toEqual(curTruth);
    expect(stderr).toMatch(/CUR 2\.0/);
    expect(stderr).toMatch(/purchase options on-demand, reserved, savings-plan, spot/);
    expect(stderr).toMatch(/1 h above 1 h per instance-hour clipped/);
  });

  it("--export-format cur2 forces the format; a window reads only its days", async () => {
    const { got } = await hours(["--export", fixture("cur2-traps.csv"), "--export-format", "cur2", "--since", "2026-10-02", "--until", "2026-10-02"]);
    expect(got).toEqual({
      "aws|111122223333|us-east-1|p4d.24xlarge|2026-10-02": 0.5,
      "aws|111122223333|us-east-1|ml.g5.xlarge|2026-10-02": 2,
      "aws|444455556666|us-west-2|g5.xlarge|2026-10-02": 1,
    });
  });

  it("hourly granularity groups by the hour", async () => {
    const { got } = await hours(["--export", fixture("cur2-traps.csv"), "--granularity", "hourly", "--since", "2026-10-01", "--until", "2026-10-01"]);
    expect(got).toEqual({
      "aws|111122223333|us-east-1|p4d.24xlarge|2026-10-01T00": 1,
      "aws|111122223333|us-east-1|p4d.24xlarge|2026-10-01T01": 1,
      "aws|111122223333|us-east-1|p4d.24xlarge|2026-10-01T02": 1,
      "aws|444455556666|us-west-2|g5.xlarge|2026-10-01T00": 1,
      "aws|444455556666|us-west-2|g5.12xlarge|2026-10-01T03": 1,
    });
  });
});

describe("--export: restated deliveries", () => {
  /** Two deliveries of October: the older one lacks the SageMaker row, the newer is whole. */
  async function twoDeliveries(root: string): Promise<{ older: string; newer: string }> {
    const period = join(root, "cur-export/data/BILLING_PERIOD=2026-10");
    mkdirSync(join(period, "20261003T0100"), { recursive: true });
    mkdirSync(join(period, "20261004T0100"), { recursive: true });
    const older = await curCopy(join(period, "20261003T0100/cur-export-00001.snappy.parquet"), "parquet", "line_item_product_code <> 'AmazonSageMaker'");
    const newer = await curCopy(join(period, "20261004T0100/cur-export-00001.snappy.parquet"), "parquet");
    utimesSync(older, new Date("2026-10-03T01:00:00Z"), new Date("2026-10-03T01:00:00Z"));
    utimesSync(newer, new Date("2026-10-04T01:00:00Z"), new Date("2026-10-04T01:00:00Z"));
    return { older, newer };
  }

  it("a directory with two deliveries of one month counts the latest one only", async () => {
    const root = join(dir, "deliveries");
    await twoDeliveries(root);
    const { got, stderr } = await hours(["--export", root]);
    expect(got).toEqual(curTruth);
    expect(stderr).toMatch(/1 data files of earlier deliveries left out/);
  });

  it("a manifest chooses the files it lists, whatever their age", async () => {
    const root = join(dir, "manifested");
    await twoDeliveries(root);
    const meta = join(root, "cur-export/metadata/BILLING_PERIOD=2026-10");
    mkdirSync(meta, { recursive: true });
    writeFileSync(
      join(meta, "cur-export-Manifest.json"),
      JSON.stringify({ dataFiles: ["s3://bucket/prefix/cur-export/data/BILLING_PERIOD=2026-10/20261003T0100/cur-export-00001.snappy.parquet"] }),
    );
    const { got } = await hours(["--export", root]);
    const { ["aws|111122223333|us-east-1|ml.g5.xlarge|2026-10-02"]: sageMaker, ...rest } = curTruth;
    expect(sageMaker).toBe(2);
    expect(got).toEqual(rest);
  });
});
