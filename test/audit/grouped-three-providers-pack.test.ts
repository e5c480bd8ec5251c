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
  home = scratch("grouped-three");
  const env: Record<string, string> = { ...fastPolicy, HOME: home, XDG_CACHE_HOME: join(home, "cache") };
  for (const s of setups) Object.assign(env, s.env(s.upstream));
  const args = ["--providers", "aws,azure,gcp", ...windowArgs, "--intensity", "static", "--stamp", "none", "--out", join(home, "out"), "--audit", join(home, "pack"), "--group-by", "tag:team"];
  run = await runCli([...args, ...setups.flatMap((s) => s.args)], { env, cwd: home, timeoutMs: 90_000 });
}, 120_000);
afterAll(async () => {
  await Promise.all((setups ?? []).map((s) => s.close()));
});

interface Query {
  name: string;
  params: any;
}

describe("an --audit pack of a run over the three provider APIs with --group-by tag:team", () => {
  it("records the Azure TagKey queries per subscription and location, and the BigQuery label names", () => {
    expect(run.code, run.stderr).toBe(0);
    const { queries } = JSON.parse(readFileSync(join(home, "pack/manifest.json"), "utf8")) as { queries: Record<string, Query[]> };
    const byTag = queries.azure!.filter((q) => JSON.stringify(q.params.body.dataset.grouping).includes('"TagKey"'));
    expect(byTag.length).toBeGreaterThan(0);
    for (const q of byTag) {
      expect(azureSubscriptions).toContain(q.params.subscription);
      expect(q.params.body.dataset.grouping).toEqual([
        { type: "Dimension", name: "Meter" },
        { type: "TagKey", name: "team" },
      ]);
      expect(JSON.stringify(q.params.body.dataset.filter)).toContain('"ResourceLocation"');
    }
    const [gcp] = queries.gcp!;
    expect(gcp!.params.stringParams).toEqual({ label_0: "team" });
    // The SQL as sent: no part of it taken for a credential's shape (`l.key = …`).
    expect(gcp!.params.sql).toContain("WHERE l.key = @label_0 LIMIT 1");
    expect(gcp!.params.sql).toContain("WHERE l.key = 'compute.googleapis.com/machine_spec' LIMIT 1");
    expect(JSON.stringify(queries)).not.toContain("[redacted]");
    expect(queries.aws!.some((q) => JSON.stringify(q.params.GroupBy ?? null).includes('"TAG"'))).toBe(true);
  });

  it("replays byte for byte with the fakes closed", async () => {
    await Promise.all(setups.map((s) => s.close()));
    const res = await runCli(["replay", join(home, "pack")], { cwd: scratch("grouped-three-replay"), env: { HOME: home } });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^replayed: 6 outputs identical byte for byte/);
  }, 60_000);
});
