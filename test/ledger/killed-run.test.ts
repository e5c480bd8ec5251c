import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDuck, sqlString, type Duck } from "../helpers/duckdb.js";
import { binPath, repoRoot, runCli } from "../helpers/run-cli.js";
import { days, usageCsv, type UsageRow } from "../helpers/usage-csv.js";
import { offlineGridEnv } from "../helpers/offline-grid.js";

/** Every file a reader of DIR/detail/** finds, relative to DIR/detail. */
function filesUnder(root: string, at = root): string[] {
  return readdirSync(at).flatMap((name) => {
    const path = join(at, name);
    return statSync(path).isDirectory() ? filesUnder(root, path) : [relative(root, path)];
  });
}

/** Many accounts over three months and three providers, so a run rewrites nine partitions. */
function usage(version: number): UsageRow[] {
  const rows: UsageRow[] = [];
  for (const provider of ["aws", "azure", "gcp"]) {
    for (let a = 0; a < 25; a++) {
      for (const day of days("2026-08-01", "2026-10-31")) {
        rows.push({ provider, account: `acct-${provider}-${a}`, region: "unknown-1", instanceType: "gpu-box", hours: ((a + version) % 9 + 1).toFixed(2), day });
      }
    }
  }
  return rows;
}

/** SIGKILL after `ms`; resolves once the process is gone. */
function runAndKill(args: string[], ms: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [binPath, ...args], {
      cwd: repoRoot,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", AWS_EC2_METADATA_DISABLED: "true", ...offlineGridEnv() },
      stdio: "ignore",
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), ms);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

describe("a run killed at any moment (SIGKILL, 10 tries)", () => {
  let dir: string;
  let duck: Duck;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ct-ledger-kill-"));
    duck = await openDuck();
  });
  afterAll(() => {
    duck?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const state = async (ledger: string): Promise<string> => {
    // Only the one file of each partition is ever visible: no temporary or second file a glob could pick up.
    for (const d of ["detail", "summary"]) for (const f of filesUnder(join(ledger, d))) expect(f).toMatch(/^provider=[a-z]+\/month=\d{4}-\d{2}\/data\.parquet$/);
    const [r] = await duck.rows(
      `SELECT (SELECT count(*)::VARCHAR || ':' || sum(hash(provider, account, region, instance_type, period_start, quantity_hours, co2e_kg))::VARCHAR
               FROM read_parquet(${sqlString(join(ledger, "detail", "**", "*.parquet"))}, hive_partitioning = true))
           || ' / ' ||
              (SELECT count(*)::VARCHAR || ':' || sum(hash(provider, account, day, quantity_hours))::VARCHAR
               FROM read_parquet(${sqlString(join(ledger, "summary", "**", "*.parquet"))}, hive_partitioning = true)) AS s`,
    );
    return String(r!.s);
  };

  it("leaves the ledger as it was, or as the whole run made it; never anything between", async () => {
    const base = join(dir, "base");
    writeFileSync(join(dir, "v1.csv"), usageCsv(usage(1)));
    writeFileSync(join(dir, "v2.csv"), usageCsv(usage(2)));
    const first = await runCli(["--input", join(dir, "v1.csv"), "--ledger", base, "--format", "csv"], { timeoutMs: 120_000 });
    expect(first.code).toBe(0);
    const before = await state(base);

    const args = (ledger: string): string[] => ["--input", join(dir, "v2.csv"), "--ledger", ledger, "--format", "csv"];
    const whole = join(dir, "whole");
    cpSync(base, whole, { recursive: true, verbatimSymlinks: true });
    const started = Date.now();
    expect((await runCli(args(whole), { timeoutMs: 120_000 })).code).toBe(0);
    const duration = Date.now() - started;
    const after = await state(whole);
    expect(after).not.toBe(before);

    // Kill points spread over the whole run, most of them late, where the ledger is being written.
    let seed = 7;
    const random = (): number => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const seen: string[] = [];
    let last = "";
    for (let i = 0; i < 10; i++) {
      const ledger = join(dir, `try${i}`);
      cpSync(base, ledger, { recursive: true, verbatimSymlinks: true });
      const code = await runAndKill(args(ledger), Math.round(duration * (0.3 + 0.8 * random())));
      const s = await state(ledger);
      expect([before, after]).toContain(s);
      // A generation beside the current one (and its predecessor) is a killed run's half-built one.
      const generations = readdirSync(join(ledger, ".generations")).length;
      seen.push(`${code === null ? "killed" : `exit ${code}`}: ${s === before ? "as before" : "as after"}, ${generations} generations`);
      last = ledger;
    }
    expect(seen.some((s) => s.startsWith("killed")), seen.join("; ")).toBe(true);
    // The next run takes over the dead run's lock and does the whole job.
    expect((await runCli(args(last), { timeoutMs: 120_000 })).code).toBe(0);
    expect(await state(last)).toBe(after);
  }, 600_000);
});
