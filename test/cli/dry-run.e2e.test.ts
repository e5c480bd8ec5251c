import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { awsSetup, azureSetup, fastPolicy, gcpSetup, windowArgs, type BillingSetup } from "../reliability/billing-setups.js";

/** --dry-run against each provider's fake: the plan on stdout, exit 0, no billable request, nothing created. */
describe("--dry-run", () => {
  let setups: BillingSetup[];
  beforeAll(async () => {
    setups = await Promise.all([awsSetup(), azureSetup(), gcpSetup()]);
  });
  afterAll(async () => {
    await Promise.all(setups.map((s) => s.close()));
  });

  for (const id of ["aws", "azure", "gcp"] as const) {
    it(`${id}: says what it would query and sends nothing billable`, async () => {
      const setup = setups.find((s) => s.id === id)!;
      const dir = mkdtempSync(join(tmpdir(), `ct-dry-${id}-`));
      const before = setup.dataRequests();
      const res = await runCli(["--dry-run", "--providers", id, ...windowArgs, ...setup.args], {
        cwd: dir,
        env: { HOME: dir, XDG_CACHE_HOME: join(dir, "cache"), ...fastPolicy, ...setup.env(setup.upstream) },
      });
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toMatch(/^window: 2026-10-01 to 2026-10-03 \(3 days, UTC, daily\)$/m);
      expect(res.stdout).toMatch(new RegExp(`^${id}:$`, "m"));
      expect(res.stdout).toMatch(/^signal: average/m);
      expect(res.stdout).toMatch(/nothing was created$/m);
      const after = setup.dataRequests();
      if (id === "gcp") {
        // Exactly one free request: BigQuery's dry run, which starts no job; its estimate is printed.
        expect(after.count - before.count).toBe(1);
        expect(after.dryRuns - before.dryRuns).toBe(1);
        expect(res.stdout).toMatch(/1\.873 GB scanned by the dry run/);
        expect(res.stdout).toMatch(/gcp jobs\.query \(dry run\): 1/);
      } else {
        expect(after.count - before.count).toBe(0);
        expect(res.stdout).toMatch(/requests sent to plan: none/);
      }
      if (id === "aws") expect(res.stdout).toMatch(/GetCostAndUsage DAILY .*2026-10-01 to 2026-10-04 \(end exclusive\)/);
      if (id === "azure") expect(res.stdout).toMatch(/for 2 subscriptions x 1 range \(2026-10-01\.\.2026-10-03\): 2 requests/);
      expect(readdirSync(dir)).toEqual([]);
    });
  }

  it("with --demo or --input, names the source and queries nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ct-dry-demo-"));
    const res = await runCli(["7", "--demo", "--dry-run", "--format", "parquet", "--ledger", "led"], { cwd: dir, env: { HOME: dir, XDG_CACHE_HOME: join(dir, "cache") } });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^source: the embedded demo data/m);
    expect(res.stdout).toMatch(/^output: parquet files in output, ledger led$/m);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("with --export or --athena-table, names the source and plans no provider, even with credentials set", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ct-dry-export-"));
    const env = { HOME: dir, XDG_CACHE_HOME: join(dir, "cache"), AWS_ACCESS_KEY_ID: "AKIDDRYRUN", AWS_SECRET_ACCESS_KEY: "dry-run-secret" };
    const files = await runCli(["--export", "exports/", "--dry-run"], { cwd: dir, env });
    expect(files.code, files.stderr).toBe(0);
    expect(files.stdout).toMatch(/^source: export files exports\/ \(read by the embedded engine, no request; no window asked for: the report covers the data's own span\)$/m);
    expect(files.stdout).not.toMatch(/^aws:$/m);
    const athena = await runCli(["--athena-table", "cur.cur2", "--dry-run", ...windowArgs], { cwd: dir, env });
    expect(athena.code, athena.stderr).toBe(0);
    expect(athena.stdout).toMatch(/^source: Athena table cur\.cur2 \(Athena has no dry run: nothing is estimated\)$/m);
    expect(athena.stdout).toMatch(/requests sent to plan: none/);
    expect(readdirSync(dir)).toEqual([]);
  });
});
