import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectRefused } from "../../helpers/bad-input.js";
import { repoRoot, runCli } from "../../helpers/run-cli.js";
import { awsSetup, azureSetup, fastPolicy, scratch, windowArgs, type BillingSetup } from "../../reliability/billing-setups.js";
import { curTruth } from "./cur-truth.js";

// An export beside --providers: the built CLI reads the CUR 2.0 fixture (AWS, 2026-10-01..03) and queries the Azure
// or Cost Explorer loopback fake for the same days, in one run.
const cur = join(repoRoot, "test/fixtures/exports/cur2-traps.csv");

/** GPU hours per provider|account|region|type|day of a detail CSV. */
function hoursOf(csv: string): Record<string, number> {
  const got: Record<string, number> = {};
  for (const r of parse(csv, { columns: true }) as Record<string, string>[]) {
    const key = [r.provider, r.account, r.region, r.instance_type, r.period_start!.slice(0, 10)].join("|");
    got[key] = Math.round(Number(r.quantity_hours) * 1e6) / 1e6;
  }
  return got;
}

let azure: BillingSetup;
let aws: BillingSetup;
let work: string;
beforeAll(async () => {
  [azure, aws] = await Promise.all([azureSetup(), awsSetup()]);
  work = scratch("combined");
});
afterAll(async () => {
  await Promise.all([azure.close(), aws.close()]);
  rmSync(work, { recursive: true, force: true });
});

const azureEnv = (): Record<string, string> => ({ HOME: work, ...fastPolicy, ...azure.env(azure.upstream) });

async function csvRun(args: string[], env: Record<string, string>) {
  return runCli(["--format", "csv", "--intensity", "static", ...windowArgs, ...args], { env, timeoutMs: 60_000 });
}

describe("--export with --providers", () => {
  it("one run gives the export's hours and the API's, each equal to its source alone", async () => {
    const exportAlone = await csvRun(["--export", cur], { HOME: work });
    expect(exportAlone.code, exportAlone.stderr).toBe(0);
    expect(hoursOf(exportAlone.stdout)).toEqual(curTruth);
    const azureAlone = await csvRun(["--providers", "azure", ...azure.args], azureEnv());
    expect(azureAlone.code, azureAlone.stderr).toBe(0);
    const azureHours = hoursOf(azureAlone.stdout);
    expect(Object.keys(azureHours).length).toBeGreaterThan(0);

    const both = await csvRun(["--export", cur, "--providers", "azure", ...azure.args], azureEnv());
    expect(both.code, both.stderr).toBe(0);
    expect(hoursOf(both.stdout)).toEqual({ ...curTruth, ...azureHours });
  });

  it("the JSON head says both sources", async () => {
    const res = await runCli(["--format", "json", "--intensity", "static", ...windowArgs, "--export", cur, "--providers", "azure", ...azure.args], { env: azureEnv(), timeoutMs: 60_000 });
    expect(res.code, res.stderr).toBe(0);
    const head = JSON.parse(res.stdout) as { options: { source: string; providers: string[] } };
    expect(head.options.source).toBe("input+providers");
    expect(head.options.providers).toEqual(["aws", "azure"]);
  });

  it("without a window both are read for the last 30 days, not for the export's own span", async () => {
    const res = await runCli(["--format", "json", "--intensity", "static", "--export", cur, "--providers", "azure", ...azure.args], { env: azureEnv(), timeoutMs: 60_000 });
    expect(res.code, res.stderr).toBe(0);
    const doc = JSON.parse(res.stdout) as { period: { days: number; since: string }; options: { providers: string[] }; records: { provider: string }[] };
    // The export's October 2026 lies before the default window.
    expect(doc.period.days).toBe(30);
    expect(doc.period.since > "2026-10-03").toBe(true);
    expect(doc.records.every((r) => r.provider === "azure")).toBe(true);
    expect(doc.options.providers).toEqual(["azure"]);
  });

  it("a provider in both the export and --providers is refused before its API is asked: exit 2, nothing created", async () => {
    const before = aws.dataRequests().count;
    await expectRefused({
      name: "overlap",
      args: [...windowArgs, "--export", cur, "--providers", "aws"],
      env: aws.env(aws.upstream),
      message: /aws: in the export files \(--export\) and asked of the API by --providers: the same hours would count twice/,
    });
    expect(aws.dataRequests().count).toBe(before);
  });

  it("a failed API leaves the export's rows written and the run partial (exit 3); the header names both sources", async () => {
    const out = join(work, "out-partial");
    // A subscription the fake does not hold: Azure fails, the export stands.
    const env = { ...azureEnv(), AZURE_SUBSCRIPTION_ID: "0a1b2c3d-0000-4000-8000-0000000000ff" };
    const res = await runCli(["--intensity", "static", ...windowArgs, "--export", cur, "--providers", "azure", "--out", out], { env, timeoutMs: 60_000 });
    expect(res.code, res.stderr).toBe(3);
    expect(res.stderr).toMatch(/azure: .*0a1b2c3d-0000-4000-8000-0000000000ff/);
    expect(res.stdout).toMatch(/Providers: aws, azure \(failed\)\s+Source: input\+providers/);
    const detail = readdirSync(out).find((f) => /^carbon_detail_\d/.test(f));
    expect(detail).toBeDefined();
    expect(hoursOf(readFileSync(join(out, detail!), "utf8"))).toEqual(curTruth);
  });

  it("an --audit pack of the run holds Azure's queries and replays from the pack alone", async () => {
    const pack = join(work, "pack");
    const run = await runCli(["--format", "json", "--intensity", "static", ...windowArgs, "--export", cur, "--providers", "azure", ...azure.args, "--audit", pack], { env: azureEnv(), cwd: work, timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(pack, "manifest.json"), "utf8")) as { queries: Record<string, unknown[]> };
    expect(manifest.queries.azure?.length).toBeGreaterThan(0);
    const replay = await runCli(["replay", pack], { cwd: work, env: { HOME: work } });
    expect(replay.code, replay.stdout + replay.stderr).toBe(0);
  });

  it("--dry-run shows the export and the API's queries and sends nothing", async () => {
    const before = azure.dataRequests().count;
    const out = join(work, "out-dry");
    const res = await runCli([...windowArgs, "--export", cur, "--providers", "azure", ...azure.args, "--out", out, "--dry-run"], { env: azureEnv() });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toContain(`source: export files ${cur}`);
    expect(res.stdout).toMatch(/then the APIs below, once that source is read/);
    expect(res.stdout).toMatch(/^azure:\n {2}Cost Management Query/m);
    expect(res.stdout).toMatch(/requests sent to plan: none; nothing was created/);
    expect(azure.dataRequests().count).toBe(before);
    expect(existsSync(out)).toBe(false);
  });
});
