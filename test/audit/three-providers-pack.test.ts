import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliResult } from "../helpers/run-cli.js";
import { awsSetup, azureSetup, azureSubscriptions, fastPolicy, gcpSetup, windowArgs, type BillingSetup } from "../reliability/billing-setups.js";
import { scratch } from "./pack-helpers.js";

let setups: BillingSetup[];
let home: string;
let run: CliResult;

beforeAll(async () => {
  setups = await Promise.all([awsSetup(), azureSetup(), gcpSetup()]);
  home = scratch("three");
  const env: Record<string, string> = { ...fastPolicy, HOME: home, XDG_CACHE_HOME: join(home, "cache") };
  for (const s of setups) Object.assign(env, s.env(s.upstream));
  const args = ["--providers", "aws,azure,gcp", ...windowArgs, "--intensity", "static", "--stamp", "none", "--out", join(home, "out"), "--audit", join(home, "pack"), ...setups.flatMap((s) => s.args)];
  run = await runCli(args, { env, cwd: home, timeoutMs: 90_000 });
}, 120_000);
afterAll(async () => {
  await Promise.all((setups ?? []).map((s) => s.close()));
});

describe("an --audit pack of a run over the three provider APIs", () => {
  it("records each provider's query: Cost Explorer's filter and grouping, each Azure query body, the BigQuery SQL", () => {
    expect(run.code, run.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(home, "pack/manifest.json"), "utf8")) as { queries: Record<string, { name: string; params: any }[]> };
    expect(Object.keys(manifest.queries).sort()).toEqual(["aws", "azure", "gcp"]);
    const azure = manifest.queries.azure!;
    expect(azure.map((q) => q.params.subscription).sort()).toEqual([...azureSubscriptions].sort());
    expect(azure[0]!.params.body).toMatchObject({ type: "Usage", timeframe: "Custom", dataset: { granularity: "Daily" }, timePeriod: { from: "2026-10-01T00:00:00.000Z", to: "2026-10-03T23:59:59.000Z" } });
    const [gcp] = manifest.queries.gcp!;
    expect(gcp!.name).toBe("jobs.query");
    expect(gcp!.params.sql).toMatch(/SELECT/);
    expect(gcp!.params.dateParams).toEqual({ since: "2026-10-01", until: "2026-10-03" });
  });

  it("replays byte for byte: one suggestion plan per provider, as the run made them", async () => {
    await Promise.all(setups.map((s) => s.close()));
    const res = await runCli(["replay", join(home, "pack")], { cwd: home, env: { HOME: home } });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^replayed: 6 outputs identical byte for byte/);
  }, 60_000);
});
