import { afterEach, describe, expect, it } from "vitest";
import { parseGroupKey } from "../../src/attribution/keys.js";
import { awsSource } from "../../src/sources/aws/index.js";
import { loadDataset, startFakeCostExplorer, type Dataset, type FakeCostExplorer } from "../fakes/aws-cost-explorer.js";
import { awsTestEnv, captureLog, expectedHours, fixturePath, sourceContext, useProcessEnv } from "../sources/aws/harness.js";
import { collapse, hoursBy } from "./truth.js";

/**
 * The AWS fixture with cost-allocation tags: `team` on most lines, an empty value on the p5 Spot line (Cost Explorer
 * answers `team$` for it, as for a line without the tag), none on some; and a cost category on account 777….
 */
function taggedDataset(): Dataset {
  const data = loadDataset(fixturePath);
  const team: Record<number, string> = { 0: "ml-research", 1: "", 5: "search", 6: "ml-research", 7: "search", 10: "ml-research", 11: "search", 14: "vision", 16: "vision", 18: "vision" };
  data.items.forEach((item, i) => {
    if (team[i] !== undefined) item.tags = { team: team[i]!, other: "x" };
    if (item.account === "777788889999" && i !== 15) item.costCategories = { Environment: "prod" };
  });
  return data;
}

/** By hand from the fixture: day account region type team → hours. Item 6 (RI fees) is tagged but never hours. */
const truthByTeam: Record<string, number> = {
  "2026-10-01 111122223333 us-east-1 p5.48xlarge ml-research": 48,
  "2026-10-01 111122223333 us-east-1 p5.48xlarge (untagged)": 5.25,
  "2026-10-01 444455556666 us-west-2 p4d.24xlarge search": 24,
  "2026-10-01 444455556666 us-west-2 g5.12xlarge search": 17.3333333333,
  "2026-10-01 444455556666 us-east-1 ml.p4d.24xlarge ml-research": 8.25,
  "2026-10-01 444455556666 us-west-2 ml.g5.12xlarge search": 24,
  "2026-10-01 777788889999 eu-central-1 p4d.24xlarge vision": 24,
  "2026-10-01 777788889999 us-east-1 g5.xlarge vision": 2.5,
  "2026-10-02 111122223333 us-east-1 p5.48xlarge ml-research": 72,
  "2026-10-02 444455556666 us-west-2 p4d.24xlarge search": 24,
  "2026-10-02 444455556666 us-west-2 g5.12xlarge search": 6.6666666667,
  "2026-10-02 444455556666 eu-west-1 g5.12xlarge (untagged)": 20,
  "2026-10-02 444455556666 us-east-1 ml.p4d.24xlarge ml-research": 3,
  "2026-10-02 444455556666 us-west-2 ml.g5.12xlarge search": 24,
  "2026-10-02 777788889999 eu-central-1 p4d.24xlarge vision": 24,
  "2026-10-02 777788889999 eu-central-1 p4d.24xlarge (untagged)": 3,
  "2026-10-03 111122223333 us-east-1 p5.48xlarge ml-research": 31.5,
  "2026-10-03 111122223333 us-east-1 p5.48xlarge (untagged)": 12.75,
  "2026-10-03 111122223333 us-east-2 ml.g5.2xlarge (untagged)": 1.5,
  "2026-10-03 444455556666 us-west-2 p4d.24xlarge search": 24,
  "2026-10-03 444455556666 eu-west-1 g5.12xlarge (untagged)": 24,
  "2026-10-03 444455556666 us-west-2 ml.g5.12xlarge search": 24,
  "2026-10-03 777788889999 ap-northeast-1 g4ad.xlarge vision": 6,
  "2026-10-03 777788889999 eu-central-1 p4d.24xlarge vision": 10,
};

let fake: FakeCostExplorer | undefined;
let restoreEnv: () => void = () => {};
afterEach(async () => {
  restoreEnv();
  await fake?.close();
  fake = undefined;
});

async function start(opts: { pageSize?: number } = {}): Promise<FakeCostExplorer> {
  fake = await startFakeCostExplorer(taggedDataset(), opts);
  restoreEnv = useProcessEnv(awsTestEnv(fake.url));
  return fake;
}

describe("AWS attribution against the Cost Explorer fake", () => {
  it("hours per team × account × region × type × day equal the fixture's truth and add up to the ungrouped hours", async () => {
    const server = await start({ pageSize: 4 });
    const log = captureLog();
    const team = parseGroupKey("tag:team", {});
    const result = await awsSource.fetch(sourceContext({ log, groupKeys: [team] }));
    expect(result.failures).toEqual([]);
    expect(hoursBy(result.records, ["tag:team"])).toEqual(truthByTeam);
    expect(collapse(truthByTeam)).toEqual(expectedHours);

    const tagged = server.requests.filter((r) => r.operation === "GetCostAndUsage" && JSON.stringify(r.body.GroupBy).includes("TAG"));
    // One query per account found (three), each with its pages; every one groups by two keys at most.
    expect(new Set(tagged.map((r) => JSON.stringify(r.body.Filter)))).toHaveProperty("size", 3);
    for (const r of tagged) expect(r.body.GroupBy).toEqual([{ Type: "DIMENSION", Key: "USAGE_TYPE" }, { Type: "TAG", Key: "team" }]);
    const all = server.requests.filter((r) => r.operation === "GetCostAndUsage").length;
    expect(result.requests).toEqual({ GetDimensionValues: 1, GetCostAndUsage: all });
    expect(log.lines).toContainEqual(expect.stringMatching(/tag:team is asked per account .*: 3 more queries/));
    expect(log.lines).toContainEqual(`AWS: ${all} GetCostAndUsage and 1 GetDimensionValues requests`);
  });

  it("an alias asks Cost Explorer for the provider's own tag name; a cost category reads the same name$value keys", async () => {
    const server = await start();
    const aliased = parseGroupKey("tag:owner", { owner: { aws: "team", azure: "Owner" } });
    const byAlias = await awsSource.fetch(sourceContext({ groupKeys: [aliased] }));
    expect(hoursBy(byAlias.records, ["tag:owner"])).toEqual(truthByTeam);

    const env = parseGroupKey("cost-category:Environment", {});
    const byCategory = await awsSource.fetch(sourceContext({ groupKeys: [env] }));
    const hours = hoursBy(byCategory.records, ["cost-category:Environment"]);
    expect(hours["2026-10-02 777788889999 eu-central-1 p4d.24xlarge prod"]).toBe(24);
    expect(hours["2026-10-02 777788889999 eu-central-1 p4d.24xlarge (untagged)"]).toBe(3);
    expect(hours["2026-10-01 111122223333 us-east-1 p5.48xlarge (untagged)"]).toBe(53.25);
    expect(collapse(hours)).toEqual(expectedHours);
    const categories = server.requests.filter((r) => JSON.stringify(r.body.GroupBy ?? []).includes("COST_CATEGORY"));
    expect(categories.length).toBe(3);
  });

  it("--group-by account alone needs no extra request", async () => {
    const server = await start();
    const result = await awsSource.fetch(sourceContext({ groupKeys: [parseGroupKey("account", {})] }));
    expect(server.requests.filter((r) => r.operation === "GetCostAndUsage")).toHaveLength(1);
    expect(result.records.every((r) => r.tags === undefined)).toBe(true);
  });
});
