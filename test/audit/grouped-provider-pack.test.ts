import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset, startFakeCostExplorer, type FakeCostExplorer } from "../fakes/aws-cost-explorer.js";
import { runCli, type CliResult } from "../helpers/run-cli.js";
import { awsTestEnv, fixturePath } from "../sources/aws/harness.js";
import { scratch } from "./pack-helpers.js";

/** The AWS fixture with a `team` tag on some lines (answered by the fake as `team$value`; none = untagged). */
function taggedDataset() {
  const data = loadDataset(fixturePath);
  const team = ["ml-research", "search", "vision"];
  data.items.forEach((item, i) => {
    if (i % 4 !== 3) item.tags = { team: team[i % 3]! };
  });
  return data;
}

let fake: FakeCostExplorer;
let home: string;
let run: CliResult;
const pack = (): string => join(home, "pack");

beforeAll(async () => {
  home = scratch("grouped-provider");
  fake = await startFakeCostExplorer(taggedDataset(), { pageSize: 5 });
  const env = { ...awsTestEnv(fake.url), HOME: home, XDG_CACHE_HOME: join(home, "cache"), CARBON_TRACK_TIMEOUT_MS: "1500", CARBON_TRACK_RETRY_BASE_MS: "5", NO_COLOR: "1" };
  const args = ["--providers", "aws", "--since", "2026-10-01", "--until", "2026-10-03", "--intensity", "static", "--stamp", "none", "--out", join(home, "out"), "--audit", pack(), "--group-by", "tag:team"];
  run = await runCli(args, { env, cwd: home, timeoutMs: 90_000 });
}, 120_000);
afterAll(async () => {
  await fake?.close();
});

describe("an --audit pack of a Cost Explorer run with --group-by tag:team", () => {
  it("records every query sent: the ungrouped one and each account's query grouped by the tag", () => {
    expect(run.code, run.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(pack(), "manifest.json"), "utf8")) as { queries: Record<string, { name: string; params: { GroupBy?: unknown; Filter?: unknown } }[]> };
    const aws = manifest.queries.aws!;
    const tagged = aws.filter((q) => JSON.stringify(q.params.GroupBy ?? null).includes('"TAG"'));
    const sent = fake.requests.filter((r) => r.operation === "GetCostAndUsage" && JSON.stringify(r.body.GroupBy ?? null).includes('"TAG"'));
    // One query per account; the fake saw each one (and its further pages, which repeat it with a token).
    expect(tagged.length).toBe(new Set(sent.map((r) => JSON.stringify(r.body.Filter))).size);
    expect(tagged.length).toBeGreaterThan(1);
    for (const q of tagged) expect(q.params.GroupBy).toEqual([{ Type: "DIMENSION", Key: "USAGE_TYPE" }, { Type: "TAG", Key: "team" }]);
    expect(new Set(tagged.map((q) => JSON.stringify(q.params.Filter))).size).toBe(tagged.length);
    expect(aws.map((q) => q.name)).toEqual(["GetDimensionValues", "GetCostAndUsage", ...tagged.map(() => "GetCostAndUsage")]);
  });

  it("keeps the rows' tags and replays byte for byte with the fake closed", async () => {
    const values = new Set(
      readFileSync(join(pack(), "inputs/usage.jsonl"), "utf8")
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { tags: Record<string, string> }).tags["tag:team"]),
    );
    expect([...values].sort()).toEqual(["(untagged)", "ml-research", "search", "vision"]);
    expect(readFileSync(join(pack(), "outputs/stdout.txt"), "utf8")).toMatch(/CO2e by tag:team/);
    await fake.close();
    const res = await runCli(["replay", pack()], { cwd: scratch("grouped-provider-replay"), env: { HOME: home } });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^replayed: \d+ outputs identical byte for byte/);
  }, 60_000);
});
