import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectRefused, type BadInputCase } from "../helpers/bad-input.js";
import { runCli } from "../helpers/run-cli.js";
import { usageCsv } from "../helpers/usage-csv.js";

// Issue 19: a combination that cannot be honoured, or an option given twice, is exit 2 with one line.
const cases: BadInputCase[] = [
  { name: "days with --since", args: ["7", "--since", "2026-11-03", "--demo"], message: /either days or --since.*7 days would be ignored/ },
  { name: "report: days with --since", args: ["report", "--ledger", "$DIR", "--out", "$DIR/out", "7", "--since", "2026-11-03"], message: /either days or --since/ },
  { name: "--format twice", args: ["--demo", "--format", "csv", "--format", "json"], message: /--format was given twice/ },
  { name: "--out twice", args: ["--demo", "--out", "$DIR/a", "--out=$DIR/b"], message: /--out was given twice/ },
  { name: "--budget twice", args: ["--demo", "--budget", "0.5", "--budget", "1e9"], message: /--budget was given twice/ },
  { name: "--since twice", args: ["--demo", "--since", "2026-11-01", "--since", "2026-11-02"], message: /--since was given twice/ },
  { name: "report: --format twice", args: ["report", "--ledger", "$DIR", "--out", "$DIR/out", "--format", "csv", "--format", "json"], message: /--format was given twice/ },
  { name: "unknown option", args: ["--demo", "--bogus"], message: /unknown option '--bogus'/ },
  { name: "missing value", args: ["--demo", "--format"], message: /argument missing/ },
  { name: "--demo with --intensity watttime", args: ["--demo", "--intensity", "watttime"], message: /--demo uses static intensities/ },
  {
    name: "a ;-separated --input",
    args: ["--input", "$DIR/usage.csv"],
    files: {
      "usage.csv":
        "provider;account;region;instance_type;unit;quantity_hours;period_start;period_end;estimated\naws;1;us-east-1;p5.48xlarge;instance-hour;24,5;2026-10-01T00:00:00Z;2026-10-02T00:00:00Z;false\n",
    },
    message: /usage\.csv looks semicolon-separated .*save it as comma-separated CSV/,
  },
];

describe("options that cannot be honoured are refused", () => {
  for (const c of cases) it(c.name, () => expectRefused(c), 30_000);

  it("days with --until is still a window of that length ending there", async () => {
    const res = await runCli(["--demo", "7", "--until", "2026-11-30", "--format", "json"]);
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).period).toMatchObject({ since: "2026-11-24", until: "2026-11-30", days: 7 });
  }, 30_000);
});

describe("--providers with --demo and --input", () => {
  it("--demo keeps the providers asked for, in the header and in the rows", async () => {
    const res = await runCli(["--demo", "--providers", "aws", "--since", "2026-11-01", "--until", "2026-11-07", "--format", "json"]);
    expect(res.code, res.stderr).toBe(0);
    const doc = JSON.parse(res.stdout);
    expect(doc.options.providers).toEqual(["aws"]);
    expect(doc.records.length).toBeGreaterThan(0);
    expect(new Set(doc.records.map((r: { provider: string }) => r.provider))).toEqual(new Set(["aws"]));
    expect(doc.summary.byProvider.map((g: { key: { provider: string } }) => g.key.provider)).toEqual(["aws"]);
  }, 30_000);

  it("--demo table header names only the providers asked for", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ct-prov-"));
    const res = await runCli(["--demo", "--providers", "gcp,azure", "--out", join(dir, "out")], { cwd: dir });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^Providers: azure, gcp /m);
    expect(res.stdout).not.toMatch(/aws:/);
  }, 30_000);

  it("--input keeps the providers asked for (rows and header)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ct-prov-"));
    const file = join(dir, "usage.csv");
    writeFileSync(
      file,
      usageCsv([
        { provider: "aws", account: "1", region: "us-east-1", instanceType: "p5.48xlarge", hours: "24", day: "2026-10-01" },
        { provider: "gcp", account: "p", region: "us-central1", instanceType: "a3-highgpu-8g", hours: "24", day: "2026-10-01" },
      ]),
    );
    const res = await runCli(["--input", file, "--providers", "gcp", "--format", "csv"], { cwd: dir });
    expect(res.code, res.stderr).toBe(0);
    const rows = res.stdout.trimEnd().split("\n").slice(1);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatch(/^gcp,/);
    const json = await runCli(["--input", file, "--providers", "gcp", "--format", "json"], { cwd: dir });
    expect(JSON.parse(json.stdout).options.providers).toEqual(["gcp"]);
  }, 30_000);
});
