import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { expectRefused, type BadInputCase } from "../helpers/bad-input.js";
import { inputCsv, inputHeader as header, inputRow } from "../helpers/usage-csv.js";

const row = inputRow;
const csv = inputCsv;

const config = (json: unknown): Record<string, string> => ({ "c.json": JSON.stringify(json) });

// Every case must exit 2 with one line on stderr that names what was wrong, and create nothing.
const cases: BadInputCase[] = [
  { name: "days 0", args: ["0", "--demo"], message: /days 0 is out of range/ },
  { name: "days abc", args: ["abc", "--demo"], message: /days "abc" is not a whole number/ },
  { name: "days 366", args: ["366", "--demo"], message: /out of range/ },
  { name: "days negative", args: ["--demo", "--", "-5"], message: /days "-5"/ },
  { name: "days fraction", args: ["1.5", "--demo"], message: /not a whole number/ },
  { name: "two positional arguments", args: ["30", "40", "--demo"], message: /too many arguments/i },
  { name: "month 13", args: ["--demo", "--since", "2026-13-01"], message: /--since "2026-13-01" is not a real calendar date/ },
  { name: "30 February", args: ["--demo", "--since", "2026-02-30", "--until", "2026-03-01"], message: /not a real calendar date/ },
  { name: "date with slashes", args: ["--demo", "--since", "2026/10/01"], message: /--since "2026\/10\/01" is not a date/ },
  { name: "since after until", args: ["--demo", "--since", "2026-10-31", "--until", "2026-10-01"], message: /--since 2026-10-31 is after --until 2026-10-01/ },
  { name: "until in the future", args: ["--demo", "--until", "2099-01-01"], message: /in the future/ },
  { name: "window over a year", args: ["--demo", "--since", "2024-01-01", "--until", "2025-06-01"], message: /at most 365/ },
  { name: "days with since and until", args: ["7", "--demo", "--since", "2026-10-01", "--until", "2026-10-02"], message: /either days or --since/ },
  { name: "format xml", args: ["--demo", "--format", "xml"], message: /--format "xml" is not one of table, csv, json, markdown/ },
  { name: "stamp weekly", args: ["--demo", "--stamp", "weekly"], message: /--stamp "weekly"/ },
  { name: "granularity monthly", args: ["--demo", "--granularity", "monthly"], message: /--granularity "monthly"/ },
  { name: "signal green", args: ["--demo", "--signal", "green"], message: /--signal "green"/ },
  { name: "intensity magic", args: ["--demo", "--intensity", "magic"], message: /--intensity "magic"/ },
  { name: "watttime without credentials", args: ["--input", "$DIR/u.csv", "--intensity", "watttime"], files: { "u.csv": csv(row()) }, message: /needs WATTTIME_USERNAME/ },
  { name: "gpu-util 1.5", args: ["--demo", "--gpu-util", "1.5"], message: /--gpu-util "1.5"/ },
  { name: "gpu-util negative", args: ["--demo", "--gpu-util=-0.1"], message: /--gpu-util "-0.1"/ },
  { name: "gpu-util word", args: ["--demo", "--gpu-util", "busy"], message: /--gpu-util "busy"/ },
  { name: "budget zero", args: ["--demo", "--budget", "0"], message: /--budget "0"/ },
  { name: "budget text", args: ["--demo", "--budget", "lots"], message: /--budget "lots"/ },
  { name: "unknown provider", args: ["--providers", "aws,oracle"], message: /unknown provider "oracle"/ },
  { name: "empty providers", args: ["--providers", ","], message: /--providers is empty/ },
  { name: "unknown option", args: ["--demo", "--colour"], message: /unknown option '--colour'/ },
  { name: "missing option value", args: ["--demo", "--format"], message: /argument missing/ },
  { name: "quiet and verbose", args: ["--demo", "-q", "-v"], message: /contradict/ },
  { name: "demo and input", args: ["--demo", "--input", "x.csv"], message: /--demo and --input/ },
  { name: "no provider configured", args: [], message: /no provider is configured.*--demo/ },
  { name: "azure not configured", args: ["--providers", "azure"], message: /azure is not configured/ },
  { name: "config not found", args: ["--demo", "--config", "$DIR/nope.json"], message: /config file .*nope\.json cannot be read \(ENOENT\)/ },
  { name: "config not JSON", args: ["--demo", "--config", "$DIR/c.json"], files: { "c.json": "{ aws: profile }" }, message: /config file .*c\.json is not valid JSON/ },
  { name: "config unknown key", args: ["--demo", "--config", "$DIR/c.json"], files: config({ awz: {} }), message: /Unrecognized key.*awz/ },
  { name: "config bad subscription", args: ["--demo", "--config", "$DIR/c.json"], files: config({ azure: { subscriptions: ["abc"] } }), message: /azure\.subscriptions\.0: a subscription id is a GUID/ },
  {
    name: "catalog negative TDP",
    args: ["--demo", "--config", "$DIR/c.json"],
    files: config({ catalog: { gpus: { "H100-SXM5-80GB": { tdpW: -700, idleW: 70, source: "mine" } } } }),
    message: /c\.json: catalog\.gpus\.H100-SXM5-80GB\.tdpW: Number must be greater than 0/,
  },
  {
    name: "catalog idle above TDP",
    args: ["--demo", "--config", "$DIR/c.json"],
    files: config({ catalog: { gpus: { X1: { tdpW: 100, idleW: 200, source: "mine" } } } }),
    message: /gpus\.X1\.idleW: idleW must not exceed tdpW/,
  },
  {
    name: "catalog instance with unknown GPU",
    args: ["--demo", "--config", "$DIR/c.json"],
    files: config({
      catalog: { instances: { aws: { "x9.large": { gpu: "Z9", gpuCount: 1, vcpus: 4, memory: 16, memoryUnit: "GiB", cpuFamily: null, billingUnit: "instance-hour", source: "me" } } } },
    }),
    message: /instances\.aws\.x9\.large\.gpu names "Z9", which is not in gpus/,
  },
  {
    name: "catalog instance without source",
    args: ["--demo", "--config", "$DIR/c.json"],
    files: config({ catalog: { instances: { aws: { "x9.large": { gpu: "T4", gpuCount: 1, vcpus: 4, memory: 16, memoryUnit: "GiB", cpuFamily: null, billingUnit: "instance-hour" } } } } }),
    message: /x9\.large\.source: Required/,
  },
  { name: "regions PUE below 1", args: ["--demo", "--config", "$DIR/c.json"], files: config({ regions: { aws: { "us-east-1": { pue: { value: 0.8, source: "x", year: 2024 } } } } }), message: /regions\.aws\.us-east-1\.pue\.value/ },
  { name: "new region missing fields", args: ["--demo", "--config", "$DIR/c.json"], files: config({ regions: { aws: { "mars-1": { location: "Mars" } } } }), message: /regions\.aws\.mars-1 is a new region/ },
  { name: "input not found", args: ["--input", "$DIR/missing.csv"], message: /--input .*missing\.csv cannot be read \(ENOENT\)/ },
  { name: "input missing column", args: ["--input", "$DIR/u.csv"], files: { "u.csv": "provider,account,region\naws,1,us-east-1" }, message: /missing columns instance_type, unit, quantity_hours/ },
  { name: "input empty", args: ["--input", "$DIR/u.csv"], files: { "u.csv": header }, message: /has no data rows/ },
  { name: "input negative quantity", args: ["--input", "$DIR/u.csv"], files: { "u.csv": csv(row({ quantity_hours: "-3" })) }, message: /line 2: quantity_hours -3 is negative/ },
  { name: "input NaN quantity", args: ["--input", "$DIR/u.csv"], files: { "u.csv": csv(row({ quantity_hours: "NaN" })) }, message: /line 2: quantity_hours "NaN" is not a plain decimal/ },
  { name: "input huge quantity", args: ["--input", "$DIR/u.csv"], files: { "u.csv": csv(row({ quantity_hours: "99999999999" })) }, message: /implausibly large/ },
  { name: "input exponent quantity", args: ["--input", "$DIR/u.csv"], files: { "u.csv": csv(row({ quantity_hours: "1e3" })) }, message: /"1e3" is not a plain decimal/ },
  { name: "input unknown provider", args: ["--input", "$DIR/u.csv"], files: { "u.csv": csv(row({ provider: "ibm" })) }, message: /provider "ibm" is not aws, azure or gcp/ },
  { name: "input bad unit", args: ["--input", "$DIR/u.csv"], files: { "u.csv": csv(row({ unit: "hours" })) }, message: /unit "hours"/ },
  { name: "input bad date", args: ["--input", "$DIR/u.csv"], files: { "u.csv": csv(row({ period_start: "2026-10-01" })) }, message: /period_start "2026-10-01" is not an ISO-8601 UTC instant/ },
  { name: "input end before start", args: ["--input", "$DIR/u.csv"], files: { "u.csv": csv(row({ period_end: "2026-09-30T00:00:00Z" })) }, message: /period_end .* is not after period_start/ },
  { name: "input bad estimated", args: ["--input", "$DIR/u.csv"], files: { "u.csv": csv(row({ estimated: "maybe" })) }, message: /estimated "maybe"/ },
  { name: "input empty account", args: ["--input", "$DIR/u.csv"], files: { "u.csv": csv(row({ account: "" })) }, message: /line 2: account is empty/ },
  { name: "input duplicate rows", args: ["--input", "$DIR/u.csv"], files: { "u.csv": csv(row(), row({ quantity_hours: "5" }), row()) }, message: /line 3: duplicates line 2/ },
  { name: "input ragged row", args: ["--input", "$DIR/u.csv"], files: { "u.csv": `${header}\naws,1,us-east-1` }, message: /not a valid CSV/ },
  {
    name: "input still gzip-compressed",
    args: ["--input", "$DIR/u.csv"],
    files: { "u.csv": gzipSync(csv(row())) },
    message: /missing columns|not a valid CSV/,
  },
  { name: "input cost without currency", args: ["--input", "$DIR/u.csv"], files: { "u.csv": `${header},cost,currency\n${row()},12.5,` }, message: /three-letter currency code/ },
  { name: "gcp table with SQL in it", args: ["--providers", "gcp", "--gcp-table", "p.d.t`; DROP TABLE x; --"], message: /gcp table .* is not a billing export table/ },
  { name: "gcp table in config not a billing export", args: ["--demo", "--config", "$DIR/c.json"], files: config({ gcp: { table: "my-project.billing.costs" } }), message: /is not a billing export table/ },
  { name: "out is a file", args: ["--demo", "--out", "$DIR/f"], files: { f: "x" }, message: /--out .*f exists and is not a directory/ },
];

describe("bad input: exit 2, one clear line, nothing created", () => {
  it("has at least 50 cases", () => expect(cases.length).toBeGreaterThanOrEqual(50));

  it.each(cases)("$name", expectRefused);
});
