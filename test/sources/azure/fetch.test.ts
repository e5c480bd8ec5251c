import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildCatalog } from "../../../src/config/catalog.js";
import { packageDataFile } from "../../../src/config/paths.js";
import { ProviderError } from "../../../src/errors.js";
import { silentLogger } from "../../../src/log.js";
import { fetchAzureUsage } from "../../../src/sources/azure/fetch.js";
import type { SourceContext, UsageWindow } from "../../../src/sources/types.js";
import type { UserConfig } from "../../../src/config/user-config.js";
import { startAzureFake, type AzureFake, type SubscriptionScript } from "../../fakes/azure-cost.js";
import { fakeAccessToken, useAzureCli } from "../../fakes/azure-tls.js";
import { createRedactor } from "../../../src/text/redact.js";

const fixture = JSON.parse(readFileSync(new URL("../../fixtures/azure/usage.json", import.meta.url), "utf8")) as {
  subscriptions: Record<string, SubscriptionScript>;
};
const subA = "0a1b2c3d-0000-4000-8000-00000000000a";
const subB = "0a1b2c3d-0000-4000-8000-00000000000b";
const subDenied = "0a1b2c3d-0000-4000-8000-00000000000c";
const catalog = buildCatalog(JSON.parse(readFileSync(packageDataFile("catalog.json"), "utf8")), undefined, "catalog.json");

let fake: AzureFake | undefined;
const certOf = useAzureCli(async () => {
  await fake?.close();
  fake = undefined;
});

async function run(opts: {
  subscriptions: Record<string, SubscriptionScript>;
  config: UserConfig;
  window?: Partial<UsageWindow>;
  managementGroups?: Record<string, string[]>;
  timeoutMs?: number;
}) {
  fake = await startAzureFake({ certPem: certOf().certPem, keyPem: certOf().keyPem, subscriptions: opts.subscriptions, managementGroups: opts.managementGroups, token: fakeAccessToken });
  const ctx: SourceContext = {
    window: { since: "2026-10-01", until: "2026-10-03", granularity: "daily", ...opts.window },
    env: { CARBON_TRACK_AZURE_ENDPOINT: fake.url },
    config: opts.config,
    catalog,
    log: silentLogger,
    signal: new AbortController().signal,
    http: { timeoutMs: opts.timeoutMs ?? 15_000, retryBaseMs: 10, maxAttempts: 3 },
    redactor: createRedactor([]),
  };
  return fetchAzureUsage(ctx, { tlsOptions: { ca: certOf().certPem } });
}

const withThrottle = (script: SubscriptionScript): SubscriptionScript => ({
  ...script,
  // Retry-After says 0 s, the Cost Management quota header 1 s: the longest wins.
  throttle: { times: 1, headers: { "Retry-After": "0", "x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after": "1" } },
});

describe("Azure source against the loopback Query API", () => {
  it("reports GPU hours per (subscription, region, size, day), names the denied subscription, survives a 429", async () => {
    const result = await run({
      subscriptions: { [subA]: fixture.subscriptions[subA]!, [subB]: withThrottle(fixture.subscriptions[subB]!), [subDenied]: { status: 403 } },
      config: { azure: { subscriptions: [subA, subB, subDenied], concurrency: 2 } },
    });

    const hours = Object.fromEntries(result.records.map((r) => [`${r.account}|${r.region}|${r.instanceType}|${r.periodStart.slice(0, 10)}`, r.quantity]));
    expect(hours).toEqual({
      // Regular + Spot of the same size and day are one record; "East US", "eastus", "EastUS" are one region.
      [`${subA}|eastus|Standard_NC24ads_A100_v4|2026-10-01`]: 30,
      [`${subA}|westeurope|Standard_ND96asr_v4|2026-10-01`]: 48,
      [`${subA}|eastus|Standard_NC24ads_A100_v4|2026-10-02`]: 24,
      [`${subA}|westus2|Standard_NC4as_T4_v3|2026-10-02`]: 12, // from the second page, a Low Priority meter
      [`${subA}|westeurope|Standard_ND96asr_v4|2026-10-02`]: 24, // second page
      // "10 Hours" prices the meter in blocks; UsageQuantity is already hours: 20 + 10 (Windows), not 300.
      [`${subB}|eastus|Standard_NC6s_v3|2026-10-01`]: 30,
      [`${subB}|swedencentral|Standard_NV36ads_A10_v5|2026-10-02`]: 16,
      [`${subB}|eastus2|Standard_ND96isr_H100_v5|2026-10-03`]: 48,
    });
    const first = result.records.find((r) => r.account === subA && r.instanceType === "Standard_NC24ads_A100_v4" && r.periodStart.startsWith("2026-10-01"));
    expect(first).toMatchObject({ provider: "azure", unit: "instance-hour", periodStart: "2026-10-01T00:00:00Z", periodEnd: "2026-10-02T00:00:00Z", currency: "USD", estimated: false });
    expect(first?.cost).toBeCloseTo(92.57, 6);

    expect(result.failures).toEqual([expect.stringMatching(new RegExp(`subscription ${subDenied}: access denied \\(403 RBACAccessDenied\\).*Cost Management Reader`))]);
    expect(result.warnings).toEqual([expect.stringContaining('"NX96isr Z900 v9"')]);

    const queries = fake!.requests.filter((r) => r.path.includes("/query"));
    const bRequests = queries.filter((r) => r.path.includes(subB));
    expect(bRequests).toHaveLength(2);
    expect(bRequests[1]!.atMs - bRequests[0]!.atMs).toBeGreaterThanOrEqual(950);
    // A: two pages; B: 429 + page; denied: one attempt (403 is not retried).
    expect(result.requests).toEqual({ "costmanagement:query": 5 });
    expect(queries).toHaveLength(5);

    const aRequests = queries.filter((r) => r.path.includes(subA));
    expect(aRequests[1]!.path).toContain("$skiptoken=1");
    expect(aRequests[1]!.body).toBe(aRequests[0]!.body);
    for (const r of queries) {
      expect(r.path).toContain("api-version=2023-03-01");
      expect(r.headers.clienttype).toBe("carbon-track");
    }
  });

  it("sends the documented query and splits windows longer than 31 days; 204 is no data", async () => {
    const result = await run({
      subscriptions: { [subA]: {} },
      config: { azure: { subscriptions: [subA] } },
      window: { since: "2026-09-01", until: "2026-10-10" },
    });
    expect(result.records).toEqual([]);
    expect(result.failures).toEqual([]);
    const bodies = fake!.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(bodies.map((b) => b.timePeriod)).toEqual([
      { from: "2026-09-01T00:00:00.000Z", to: "2026-10-01T23:59:59.000Z" },
      { from: "2026-10-02T00:00:00.000Z", to: "2026-10-10T23:59:59.000Z" },
    ]);
    expect(bodies[0]).toMatchObject({
      type: "Usage",
      timeframe: "Custom",
      dataset: {
        granularity: "Daily",
        aggregation: { totalQuantity: { name: "UsageQuantity", function: "Sum" }, totalCost: { name: "PreTaxCost", function: "Sum" } },
        grouping: [{ type: "Dimension", name: "Meter" }, { type: "Dimension", name: "ResourceLocation" }],
        filter: {
          and: [
            { dimensions: { name: "MeterCategory", operator: "In", values: ["Virtual Machines"] } },
            { dimensions: { name: "ChargeType", operator: "In", values: ["Usage"] } },
          ],
        },
      },
    });
    expect(fake!.requests[0]!.path).toBe(`/subscriptions/${subA}/providers/Microsoft.CostManagement/query?api-version=2023-03-01`);
  });

  it("throws a ProviderError naming every subscription when all of them fail", async () => {
    const err = await run({ subscriptions: { [subDenied]: { status: 403 } }, config: { azure: { subscriptions: [subDenied] } } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect((err as Error).message).toMatch(new RegExp(`^azure: every subscription failed: subscription ${subDenied}: access denied`));
  });

  it("gives up on a subscription still throttled after maxAttempts", async () => {
    const result = await run({
      subscriptions: { [subA]: fixture.subscriptions[subA]!, [subB]: { ...fixture.subscriptions[subB]!, throttle: { times: 9, headers: { "Retry-After": "0" } } } },
      config: { azure: { subscriptions: [subA, subB] } },
    });
    expect(result.failures).toEqual([`subscription ${subB}: still throttled (429) after every attempt: try again later`]);
    expect(fake!.requests.filter((r) => r.path.includes(subB))).toHaveLength(3);
  });

  it("times out a subscription that never answers, retrying it, and reports the others", async () => {
    const result = await run({
      subscriptions: { [subA]: fixture.subscriptions[subA]!, [subB]: { hang: true } },
      config: { azure: { subscriptions: [subA, subB] } },
      timeoutMs: 2000,
    });
    expect(result.failures).toEqual([expect.stringMatching(new RegExp(`^subscription ${subB}: no answer`))]);
    expect(fake!.requests.filter((r) => r.path.includes(subB))).toHaveLength(3);
    expect(result.records.some((r) => r.account === subA)).toBe(true);
  });

  it("answers daily with a warning when hourly is asked", async () => {
    const result = await run({ subscriptions: { [subB]: fixture.subscriptions[subB]! }, config: { azure: { subscriptions: [subB] } }, window: { granularity: "hourly" } });
    expect(result.warnings).toContain("the Cost Management Query API has no hourly data: answered daily");
    expect(result.records.every((r) => Date.parse(r.periodEnd) - Date.parse(r.periodStart) === 86_400_000)).toBe(true);
  });

  it("resolves a management group to its subscriptions", async () => {
    const result = await run({
      subscriptions: { [subB]: fixture.subscriptions[subB]! },
      managementGroups: { research: [subB] },
      config: { azure: { scopes: ["/providers/Microsoft.Management/managementGroups/research"] } },
    });
    expect(new Set(result.records.map((r) => r.account))).toEqual(new Set([subB]));
    expect(result.requests).toEqual({ "arm:subscriptions": 1, "costmanagement:query": 1 });
    expect(fake!.requests[0]!.path).toBe("/providers/Microsoft.Management/managementGroups/research/descendants?api-version=2020-05-01");
  });
});
