import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { groupValue, parseGroupKey, type GroupKey } from "../../src/attribution/keys.js";
import { buildCatalog } from "../../src/config/catalog.js";
import { packageDataFile } from "../../src/config/paths.js";
import { fetchAzureUsage } from "../../src/sources/azure/fetch.js";
import { createRedactor } from "../../src/text/redact.js";
import { startAzureFake, type AzureFake, type UsageLine } from "../fakes/azure-cost.js";
import { fakeAccessToken, useAzureCli } from "../fakes/azure-tls.js";
import { collapse, hoursBy } from "./truth.js";

const subA = "0a1b2c3d-0000-4000-8000-00000000000a";
const subB = "0a1b2c3d-0000-4000-8000-00000000000b";
const catalog = buildCatalog(JSON.parse(readFileSync(packageDataFile("catalog.json"), "utf8")), undefined, "catalog.json");

/** Usage lines with resource tags: `Team` and `team` are one tag in Azure; an empty value and a missing tag are untagged. */
const lines: Record<string, UsageLine[]> = {
  [subA]: [
    { day: "2026-10-01", meter: "NC24ads A100 v4", location: "East US", quantity: 24, cost: 88.16, tags: { Team: "vision" } },
    { day: "2026-10-01", meter: "NC24ads A100 v4 Spot", location: "East US", quantity: 6, cost: 4.41, tags: { team: "vision" } },
    { day: "2026-10-01", meter: "ND96asr A100 v4", location: "West Europe", quantity: 48, cost: 1571.52, tags: { Team: "ml-research" } },
    { day: "2026-10-01", meter: "ND96asr A100 v4", location: "West Europe", quantity: 12, cost: 392.88 },
    { day: "2026-10-01", meter: "D4s v3", location: "East US", quantity: 72, cost: 13.82, tags: { Team: "web" } },
    { day: "2026-10-02", meter: "NC24ads A100 v4", location: "East US", quantity: 24, cost: 88.16, tags: { Team: "" } },
    { day: "2026-10-02", meter: "NC24ads A100 v4", location: "West US 2", quantity: 10, cost: 36.7, tags: { Team: "vision" } },
  ],
  [subB]: [
    { day: "2026-10-03", meter: "ND96asr A100 v4", location: "westeurope", quantity: 24, cost: 785.76, tags: { Team: "ml-research" } },
    { day: "2026-10-03", meter: "ND96asr A100 v4", location: "westeurope", quantity: 6, cost: 196.44, tags: { Owner: "x" } },
  ],
};

/** By hand: day subscription region size team → hours. */
const truth: Record<string, number> = {
  [`2026-10-01 ${subA} eastus Standard_NC24ads_A100_v4 vision`]: 30,
  [`2026-10-01 ${subA} westeurope Standard_ND96asr_v4 ml-research`]: 48,
  [`2026-10-01 ${subA} westeurope Standard_ND96asr_v4 (untagged)`]: 12,
  [`2026-10-02 ${subA} eastus Standard_NC24ads_A100_v4 (untagged)`]: 24,
  [`2026-10-02 ${subA} westus2 Standard_NC24ads_A100_v4 vision`]: 10,
  [`2026-10-03 ${subB} westeurope Standard_ND96asr_v4 ml-research`]: 24,
  [`2026-10-03 ${subB} westeurope Standard_ND96asr_v4 (untagged)`]: 6,
};

let fake: AzureFake | undefined;
const certOf = useAzureCli(async () => {
  await fake?.close();
  fake = undefined;
});

async function run(groupKeys: GroupKey[]) {
  fake = await startAzureFake({
    certPem: certOf().certPem,
    keyPem: certOf().keyPem,
    subscriptions: { [subA]: { lines: lines[subA] }, [subB]: { lines: lines[subB] } },
    token: fakeAccessToken,
  });
  const verbose: string[] = [];
  const log = { progress() {}, info() {}, warn() {}, error() {}, verbose: (m: string) => void verbose.push(m) };
  const result = await fetchAzureUsage(
    {
      window: { since: "2026-10-01", until: "2026-10-03", granularity: "daily" },
      env: { CARBON_TRACK_AZURE_ENDPOINT: fake.url },
      config: { azure: { subscriptions: [subA, subB], concurrency: 1 } },
      catalog,
      log,
      signal: new AbortController().signal,
      http: { timeoutMs: 15_000, retryBaseMs: 10, maxAttempts: 3 },
      redactor: createRedactor([]),
      groupKeys,
    },
    { tlsOptions: { ca: certOf().certPem } },
  );
  return { result, verbose, queries: fake.requests.filter((r) => r.path.includes("CostManagement/query")).map((r) => JSON.parse(r.body)) };
}

describe("Azure attribution against the Query API fake", () => {
  it("hours per team × subscription × region × size × day equal the truth and add up to the ungrouped hours", async () => {
    const plain = await run([]);
    const grouped = await run([parseGroupKey("tag:team", {})]);
    expect(grouped.result.failures).toEqual([]);
    expect(hoursBy(grouped.result.records, ["tag:team"])).toEqual(truth);
    expect(collapse(truth)).toEqual(collapse(hoursBy(plain.result.records, [])));

    // Per subscription: the query by meter and location, then one per GPU location by meter and TagKey.
    expect(grouped.queries).toHaveLength(2 + 3 + 1);
    const tagged = grouped.queries.filter((q) => q.dataset.grouping.some((g: { type: string }) => g.type === "TagKey"));
    expect(tagged.map((q) => q.dataset.filter.and.at(-1).dimensions.values[0]).sort()).toEqual(["East US", "West Europe", "West US 2", "westeurope"]);
    for (const q of tagged) expect(q.dataset.grouping).toEqual([{ type: "Dimension", name: "Meter" }, { type: "TagKey", name: "team" }]);
    expect(grouped.result.requests).toEqual({ "costmanagement:query": 6 });
    expect(grouped.verbose).toContain("azure: 6 Query API requests (retries included)");
    // Costs follow the hours into the groups.
    const vision = grouped.result.records.find((r) => r.tags?.["tag:team"] === "vision" && r.periodStart.startsWith("2026-10-01"));
    expect(vision?.cost).toBeCloseTo(92.57, 6);
  });

  it("an alias asks for Azure's own spelling of the tag", async () => {
    const { result, queries } = await run([parseGroupKey("tag:owner", { owner: { azure: "Team" } })]);
    expect(queries.some((q) => q.dataset.grouping.some((g: { name: string }) => g.name === "Team"))).toBe(true);
    expect(Object.keys(hoursBy(result.records, ["tag:owner"])).map((k) => k.split(" ").at(-1)).sort()).toEqual(
      Object.keys(truth).map((k) => k.split(" ").at(-1)).sort(),
    );
  });
});

describe("Azure and an AWS cost category", () => {
  it("a cost category beside the tag is untagged on Azure and asks nothing more", async () => {
    const { result, queries } = await run([parseGroupKey("tag:team", {}), parseGroupKey("cost-category:env", {})]);
    expect(queries).toHaveLength(6);
    expect(hoursBy(result.records, ["tag:team"])).toEqual(truth);
    expect(result.records.every((r) => groupValue(r, parseGroupKey("cost-category:env", {})) === "(untagged)")).toBe(true);
  });
});
