import { readFileSync } from "node:fs";
import { describe, it } from "vitest";
import { expectRefused, type BadInputCase } from "../helpers/bad-input.js";
import { detailCsv } from "./harness.js";

const detail = readFileSync(detailCsv);
const aws = ["--aws-carbon", "$DIR/carbon.csv"];
const awsCsv = "usage_period_start,usage_account_id,region_code,product_code,model_version,total_lbm_emissions_value,total_lbm_emissions_unit\n2026-10-01,1,us-east-1,AmazonEC2,v3.0.0,1,MTCO2e\n";
/** A reconcile with its --out in the case's directory (bad-input.ts checks that nothing is created there). */
const rc = (...args: string[]): string[] => ["reconcile", ...args, "--out", "$DIR/out"];

// Each must exit 2 with one line that names what is wrong, and create nothing.
const cases: BadInputCase[] = [
  { name: "no carbon-track figures", args: rc(...aws), files: { "carbon.csv": awsCsv }, message: /needs carbon-track's figures from one of --ledger DIR or --detail FILE/ },
  { name: "both --ledger and --detail", args: rc("--ledger", "$DIR/l", "--detail", "$DIR/d.csv", ...aws), message: /one of --ledger DIR or --detail FILE/ },
  { name: "no provider's figures", args: rc("--detail", "$DIR/d.csv"), files: { "d.csv": detail }, message: /needs the providers' figures: --aws-carbon PATH/ },
  { name: "a month that is not one", args: rc("--detail", "$DIR/d.csv", ...aws, "--since", "2026-13", "--until", "2026-14"), message: /--since "2026-13" is not a month: give YYYY-MM/ },
  { name: "a day for a month", args: rc("--detail", "$DIR/d.csv", ...aws, "--since", "2026-10-01", "--until", "2026-10"), message: /--since "2026-10-01" is not a month/ },
  { name: "--since alone", args: rc("--detail", "$DIR/d.csv", ...aws, "--since", "2026-10"), message: /--since and --until go together/ },
  { name: "--since after --until", args: rc("--detail", "$DIR/d.csv", ...aws, "--since", "2026-11", "--until", "2026-10"), message: /--since 2026-11 is after --until 2026-10/ },
  { name: "more than 36 months", args: rc("--detail", "$DIR/d.csv", ...aws, "--since", "2022-01", "--until", "2026-10"), message: /is more than 36 months/ },
  { name: "AWS from files and Athena", args: rc("--detail", "$DIR/d.csv", ...aws, "--aws-carbon-athena", "carbon.t"), message: /--aws-carbon and --aws-carbon-athena both give AWS's figures/ },
  { name: "--athena-workgroup alone", args: rc("--detail", "$DIR/d.csv", ...aws, "--athena-workgroup", "primary"), message: /--athena-workgroup and --athena-output need --aws-carbon-athena/ },
  { name: "an Athena table that is not db.table", args: rc("--detail", "$DIR/d.csv", "--aws-carbon-athena", "carbon;drop"), message: /--aws-carbon-athena "carbon;drop" is not database\.table/ },
  { name: "an Athena output that is not s3", args: rc("--detail", "$DIR/d.csv", "--aws-carbon-athena", "c.t", "--athena-output", "/tmp"), message: /--athena-output "\/tmp" is not an s3:\/\/bucket/ },
  { name: "a BigQuery table that could carry SQL", args: rc("--detail", "$DIR/d.csv", "--gcp-carbon-table", "proj-x.carbon.t`; DROP"), message: /--gcp-carbon-table ".*" is not project\.dataset\.table/ },
  { name: "a subscription that is not a GUID", args: rc("--detail", "$DIR/d.csv", "--azure-subscriptions", "prod-sub"), message: /--azure-subscriptions "prod-sub" is not a subscription id/ },
  { name: "an empty subscription list", args: rc("--detail", "$DIR/d.csv", "--azure-subscriptions", " , "), message: /--azure-subscriptions is empty/ },
  { name: "an unknown --format", args: rc("--detail", "$DIR/d.csv", ...aws, "--format", "xml"), message: /--format "xml" is not one of table, csv, json/ },
  { name: "an unknown --stamp", args: rc("--detail", "$DIR/d.csv", ...aws, "--stamp", "weekly"), message: /--stamp "weekly" is not one of datetime, date, none/ },
  { name: "an unknown option", args: rc("--detail", "$DIR/d.csv", ...aws, "--frobnicate"), message: /reconcile: unknown option '--frobnicate'/ },
  { name: "an option given twice", args: rc("--detail", "$DIR/d.csv", "--detail", "$DIR/d.csv", ...aws), message: /--detail was given twice/ },
  { name: "an argument", args: rc("30", "--detail", "$DIR/d.csv", ...aws), message: /reconcile: too many arguments\. Expected 0 arguments but got 1: carbon-track reconcile --detail FILE \| --ledger DIR/ },
  { name: "--quiet with --verbose", args: rc("--detail", "$DIR/d.csv", ...aws, "-q", "-v"), message: /--quiet and --verbose contradict each other/ },
  { name: "--out that is a file", args: ["reconcile", "--detail", "$DIR/d.csv", ...aws, "--out", "$DIR/d.csv"], files: { "d.csv": detail }, message: /--out .*d\.csv exists and is not a directory/ },
  { name: "a missing --detail", args: rc("--detail", "$DIR/missing.csv", ...aws), files: { "carbon.csv": awsCsv }, message: /--detail .*missing\.csv cannot be read \(ENOENT\)/ },
  {
    name: "a --detail that is not a detail CSV",
    args: rc("--detail", "$DIR/d.csv", ...aws),
    files: { "d.csv": "provider,account,region\naws,1,us-east-1\n", "carbon.csv": awsCsv },
    message: /--detail .*d\.csv is not a carbon-track detail CSV: no period_start, co2e_location_kg column/,
  },
  { name: "a --ledger without a ledger", args: rc("--ledger", "$DIR/empty", ...aws), files: { "empty/": "", "carbon.csv": awsCsv }, message: /--ledger .*empty holds no ledger/ },
  { name: "a missing --aws-carbon", args: rc("--detail", "$DIR/d.csv", "--aws-carbon", "$DIR/nope.csv"), files: { "d.csv": detail }, message: /--aws-carbon .*nope\.csv cannot be read \(ENOENT\)/ },
  {
    name: "an --aws-carbon file that is not CARBON_EMISSIONS",
    args: rc("--detail", "$DIR/d.csv", ...aws),
    files: { "d.csv": detail, "carbon.csv": "line_item_usage_account_id,cost\n1,2\n" },
    message: /--aws-carbon \(1 file\) is not a CARBON_EMISSIONS export: no usage_period_start, usage_account_id/,
  },
  { name: "an --aws-carbon directory without data", args: rc("--detail", "$DIR/d.csv", "--aws-carbon", "$DIR/e"), files: { "d.csv": detail, "e/": "" }, message: /holds no \.parquet, \.csv or \.csv\.gz file/ },
  { name: "a missing --previous", args: rc("--detail", "$DIR/d.csv", ...aws, "--previous", "$DIR/p.csv"), files: { "d.csv": detail, "carbon.csv": awsCsv }, message: /--previous .*p\.csv cannot be read \(ENOENT\)/ },
  {
    name: "a --previous that is not a reconcile CSV",
    args: rc("--detail", "$DIR/d.csv", ...aws, "--previous", "$DIR/p.csv"),
    files: { "d.csv": detail, "carbon.csv": awsCsv, "p.csv": "a,b\n1,2\n" },
    message: /--previous .*p\.csv is not a reconcile CSV: no month, provider, account, region, provider_kg, model_version column/,
  },
];

describe("reconcile: bad input", () => {
  it.each(cases.map((c) => [c.name, c] as const))("%s", async (_name, c) => expectRefused(c), 60_000);
});
