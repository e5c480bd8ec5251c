import { describe, expect, it } from "vitest";
import { parseGroupBudget } from "../../src/attribution/budgets.js";
import { groupValue, parseGroupKey, pickTags } from "../../src/attribution/keys.js";
import { attributionBuilder, evaluateGroupBudgets } from "../../src/calc/attribution.js";
import { summarize } from "../../src/calc/summary.js";
import type { CarbonRecord } from "../../src/schema.js";

/** A row with round figures: what the sums are checked against. */
function row(over: Partial<CarbonRecord>): CarbonRecord {
  const kg = over.co2eKg ?? 1;
  return {
    provider: "aws", account: "111", region: "us-east-1", instanceType: "p5.48xlarge", unit: "instance-hour", quantity: 1,
    periodStart: "2026-10-01T00:00:00Z", periodEnd: "2026-10-02T00:00:00Z", estimated: false, cost: null, currency: null,
    gpuModel: "H100", gpuCount: 8, gpuUtilization: 0.5, powerWatts: 1, powerLowWatts: 1, powerHighWatts: 1, powerSource: "t", powerStatus: null,
    energyKwh: 1, pue: 1, pueSource: "t", facilityEnergyKwh: 1, facilityEnergyLowKwh: 1, facilityEnergyHighKwh: 1, intensityKgPerKwh: kg,
    intensitySignal: "average", intensitySource: "t", intensityNote: "", regionKnown: true, co2eKg: kg, co2eLowKg: kg / 2, co2eHighKg: kg * 2,
    utilizationRule: "default", powerBasis: "published", bandCovers: "", embodiedKg: null, embodiedLowKg: null, embodiedHighKg: null,
    locationKgPerKwh: kg, locationSource: "t", locationNote: "", locationMatching: "annual", co2eLocationKg: kg, co2eLocationLowKg: kg, co2eLocationHighKg: kg,
    marginalKgPerKwh: kg, marginalSource: "t", marginalNote: "", marginalMatching: "annual", co2MarginalKg: kg, co2MarginalLowKg: kg, co2MarginalHighKg: kg,
    ...over,
  };
}

describe("group keys", () => {
  it("names a column per key and the tag per provider", () => {
    expect(parseGroupKey("tag:aws:eks:cluster-name", {}).column).toBe("tag_aws_eks_cluster_name");
    expect(parseGroupKey("cost-category:Env Name", {}).column).toBe("cost_category_env_name");
    expect(parseGroupKey("account", {}).column).toBe("account");
    expect(parseGroupKey("tag:team", { team: { azure: "Team" } }).names).toEqual({ aws: "team", azure: "Team", gcp: "team" });
  });

  it("a missing or empty value is (untagged); Azure tag names match whatever their case", () => {
    const team = parseGroupKey("tag:team", {});
    expect(groupValue({ account: "1" }, team)).toBe("(untagged)");
    expect(groupValue({ account: "1", tags: { "tag:team": "" } }, team)).toBe("(untagged)");
    expect(groupValue({ account: "1" }, parseGroupKey("account", {}))).toBe("1");
    expect(pickTags("azure", { TEAM: "x" }, [team])).toEqual({ "tag:team": "x" });
    expect(pickTags("aws", { TEAM: "x" }, [team])).toEqual({ "tag:team": "(untagged)" });
    expect(pickTags("aws", { team: "x" }, [parseGroupKey("account", {})])).toBeUndefined();
  });

  it("a group budget's value may hold : and =; the amount is after the last :", () => {
    const keys = [parseGroupKey("tag:team", {}), parseGroupKey("cost-category:env", {})];
    expect(parseGroupBudget("team=a:b=c:20/day", keys)).toMatchObject({ value: "a:b=c", kg: 20, perDay: true, key: { id: "tag:team" } });
    expect(parseGroupBudget("cost-category:env=prod:5", keys)).toMatchObject({ value: "prod", kg: 5, perDay: false, key: { id: "cost-category:env" } });
  });
});

describe("sums by key (calc)", () => {
  const team = parseGroupKey("tag:team", {});
  const rows = [
    row({ tags: { "tag:team": "a" }, co2eKg: 3, quantity: 2 }),
    row({ tags: { "tag:team": "b" }, co2eKg: 1, quantity: 5, region: "eu-west-1" }),
    row({ co2eKg: 4, quantity: 1 }),
    row({ tags: { "tag:team": "a" }, co2eKg: null, quantity: 7, powerStatus: "unknown-type" }),
  ];

  it("every row in one value of every key: the values add up to the totals, shares to 100 %", () => {
    const summary = summarize(rows);
    const builder = attributionBuilder([team, parseGroupKey("account", {})]);
    for (const r of rows) builder.add(r);
    const a = builder.finish(summary.totals);
    const byTeam = a.byKey[0]!.groups;
    expect(byTeam.map((g) => [g.key.value, g.totals.co2eKg, g.totals.hours, g.sharePercent])).toEqual([
      ["(untagged)", 4, 1, 50],
      ["a", 3, 9, 37.5],
      ["b", 1, 5, 12.5],
    ]);
    expect(byTeam.find((g) => g.key.value === "a")!.totals.unknownPowerHours).toBe(7);
    expect(a.byKey[1]!.groups).toHaveLength(1);
    expect(a.byKey[1]!.groups[0]!.totals.hours).toBe(summary.totals.hours);
    expect(a.byGroup.map((g) => [g.key.region, g.key.values["tag:team"], g.totals.rows])).toEqual([
      ["us-east-1", "(untagged)", 1],
      ["us-east-1", "a", 2],
      ["eu-west-1", "b", 1],
    ]);

    const budgets = evaluateGroupBudgets(
      a,
      [
        { key: team, value: "a", kg: 1, perDay: true },
        { key: team, value: "nobody", kg: 1, perDay: false },
      ],
      7,
    );
    expect(budgets.map((b) => [b.value, b.status.limitKg, b.status.usedKg, b.status.exceeded])).toEqual([
      ["a", 7, 3, false],
      ["nobody", 1, 0, false],
    ]);
  });
});
