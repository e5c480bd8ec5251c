import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { usageCsv } from "../helpers/usage-csv.js";
import { awsSetup, fastPolicy, windowArgs } from "../reliability/billing-setups.js";

/**
 * The package as installed from its tarball, on whichever Node runs this file: .ci/smoke-node sets
 * CARBON_TRACK_INSTALLED_BIN and runs it on Node 20, 22 and 24. Skipped in the ordinary suite.
 */
const bin = process.env.CARBON_TRACK_INSTALLED_BIN;

describe.skipIf(!bin)(`the installed package on Node ${process.versions.node}`, () => {
  const place = () => mkdtempSync(join(tmpdir(), "ct-installed-"));
  const env = (dir: string) => ({ HOME: dir, XDG_CACHE_HOME: join(dir, "cache"), ...fastPolicy });

  it("runs the demo", async () => {
    const dir = place();
    const res = await runCli(["30", "--demo", "--format", "json", "-q"], { bin, cwd: dir, env: env(dir) });
    expect(res.code, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).period.days).toBe(30);
  });

  it("reads --input and writes its files, Parquet through the optional engine", async () => {
    const dir = place();
    writeFileSync(join(dir, "usage.csv"), usageCsv([{ provider: "aws", account: "1", region: "us-east-1", instanceType: "p5.48xlarge", hours: "24", day: "2026-10-01" }]));
    const res = await runCli(["--input", "usage.csv", "--since", "2026-10-01", "--until", "2026-10-01", "--format", "parquet", "--stamp", "none"], { bin, cwd: dir, env: env(dir) });
    expect(res.code, res.stderr).toBe(0);
    expect(readdirSync(join(dir, "output"))).toEqual(expect.arrayContaining(["carbon_detail.csv", "carbon_detail.parquet"]));
  });

  it("queries a provider (the Cost Explorer fake) through the installed AWS SDK", async () => {
    const aws = await awsSetup();
    try {
      const dir = place();
      const res = await runCli(["--providers", "aws", ...windowArgs, "--format", "csv", "-q"], { bin, cwd: dir, env: { ...env(dir), ...aws.env(aws.upstream) } });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout.split("\n").filter((l) => l.startsWith("aws,")).length).toBeGreaterThan(0);
    } finally {
      await aws.close();
    }
  });
});
