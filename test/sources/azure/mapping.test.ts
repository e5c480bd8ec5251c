import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { packageDataFile } from "../../../src/config/paths.js";
import { UsageError } from "../../../src/errors.js";
import { azureSource } from "../../../src/sources/azure/index.js";
import { isHourUnit, loadMeterMap, matchMeter } from "../../../src/sources/azure/meters.js";
import { splitDays } from "../../../src/sources/azure/query.js";
import { dayPeriod, toUsageRecords } from "../../../src/sources/azure/records.js";
import { normaliseRegion } from "../../../src/sources/azure/region.js";
import { indexColumns, readRow } from "../../../src/sources/azure/result.js";
import { requestedWaitMs } from "../../../src/sources/azure/retry.js";

const meters = loadMeterMap();

describe("meter map", () => {
  it("names a meter for every Azure size in the catalog, and only catalog sizes", () => {
    const catalog = JSON.parse(readFileSync(packageDataFile("catalog.json"), "utf8")) as { instances: { azure: Record<string, unknown> } };
    const sizes = Object.keys(catalog.instances.azure).sort();
    expect([...new Set(meters.values())].sort()).toEqual(sizes);
  });

  it("maps base, Spot, Low Priority and Windows meters to one size; leaves non-GPU VMs out; flags unknown N-series", () => {
    expect(matchMeter("ND96asr A100 v4", meters)).toEqual({ kind: "gpu", size: "Standard_ND96asr_v4", pricing: "regular" });
    expect(matchMeter("NC24ads A100 v4 Spot", meters)).toEqual({ kind: "gpu", size: "Standard_NC24ads_A100_v4", pricing: "spot" });
    expect(matchMeter("NC6s v3 Low Priority", meters)).toEqual({ kind: "gpu", size: "Standard_NC6s_v3", pricing: "low-priority" });
    expect(matchMeter("NV36ads A10 v5 Windows", meters)).toEqual({ kind: "gpu", size: "Standard_NV36ads_A10_v5", pricing: "regular" });
    expect(matchMeter("nd96isr h100 v5", meters)).toMatchObject({ size: "Standard_ND96isr_H100_v5" });
    expect(matchMeter("ND40rs v2", meters)).toEqual({ kind: "unknown-gpu" });
    for (const other of ["D4s v3", "E8s v5 Spot", "F16s v2", "B2ms", "M128s"]) expect(matchMeter(other, meters)).toEqual({ kind: "other" });
  });

  it("recognises hour units without rescaling them", () => {
    expect(["1 Hour", "10 Hours", "100 Hours"].every(isHourUnit)).toBe(true);
    expect(isHourUnit("1 GB/Month")).toBe(false);
    const index = indexColumns([{ name: "UsageQuantity" }, { name: "UsageDate" }, { name: "Meter" }, { name: "ResourceLocation" }, { name: "UnitOfMeasure" }]);
    const rows = [readRow([7, 20261001, "NC6s v3", "East US", "100 Hours"], index), readRow([3, 20261001, "NC6s v3", "East US", "1 GB/Month"], index)];
    const mapped = toUsageRecords("sub", rows, meters);
    expect(mapped.records.map((r) => r.quantity)).toEqual([7]);
    expect(mapped.unexpectedUnits).toEqual(["NC6s v3 (1 GB/Month)"]);
  });

  it("rejects a meter file with a bad size, naming the file and key", () => {
    const path = join(tmpdir(), `azure-meters-${process.pid}.json`);
    writeFileSync(path, JSON.stringify({ source: "test", meters: { "NC6s v3": "NC6s_v3" } }));
    expect(() => loadMeterMap(path)).toThrow(UsageError);
    expect(() => loadMeterMap(path)).toThrow(/azure-meters-\d+\.json: meters\.NC6s v3: a VM size such as Standard_ND96asr_v4/);
    rmSync(path);
  });
});

describe("wire details", () => {
  it("normalises display names, compact aliases and zone-first names to ARM codes", () => {
    expect(["East US", "EastUS", "eastus", "US East"].map(normaliseRegion)).toEqual(["eastus", "eastus", "eastus", "eastus"]);
    expect(["West Europe", "EU West", "East US 2", "Sweden Central", ""].map(normaliseRegion)).toEqual(["westeurope", "westeurope", "eastus2", "swedencentral", "unassigned"]);
  });

  it("reads columns by name whatever their order", () => {
    const index = indexColumns([{ name: "Currency" }, { name: "ResourceLocation" }, { name: "Meter" }, { name: "UsageDate" }, { name: "PreTaxCost" }, { name: "UsageQuantity" }]);
    expect(readRow(["USD", "eastus", "NC6s v3", 20261031, 3.5, "2.5"], index)).toEqual({
      usageDate: 20261031, meter: "NC6s v3", location: "eastus", quantityHours: 2.5, cost: 3.5, currency: "USD", unit: null,
    });
    expect(() => indexColumns([{ name: "PreTaxCost" }])).toThrow(/no UsageDate column/);
  });

  it("turns UsageDate into a UTC day, end exclusive", () => {
    expect(dayPeriod(20261231)).toEqual({ periodStart: "2026-12-31T00:00:00Z", periodEnd: "2027-01-01T00:00:00Z" });
  });

  it("splits day ranges into pieces of at most 31 days", () => {
    expect(splitDays({ from: "2026-10-01", to: "2026-10-31" })).toEqual([{ from: "2026-10-01", to: "2026-10-31" }]);
    expect(splitDays({ from: "2026-01-01", to: "2026-03-05" })).toEqual([
      { from: "2026-01-01", to: "2026-01-31" },
      { from: "2026-02-01", to: "2026-03-03" },
      { from: "2026-03-04", to: "2026-03-05" },
    ]);
  });

  it("waits for the longest of Retry-After and the Cost Management rate-limit headers", () => {
    const headers: Array<[string, string]> = [
      ["retry-after", "2"],
      ["x-ms-ratelimit-microsoft.costmanagement-qpu-retry-after", "30"],
      ["x-ms-ratelimit-microsoft.costmanagement-entity-retry-after", "5"],
      ["x-ms-ratelimit-microsoft.costmanagement-qpu-remaining", "QueriesPerHour:0"],
    ];
    expect(requestedWaitMs(headers, 0)).toBe(30_000);
    expect(requestedWaitMs([["retry-after", "Thu, 01 Jan 1970 00:00:10 GMT"]], 4_000)).toBe(6_000);
    expect(requestedWaitMs([["content-type", "application/json"]], 0)).toBeUndefined();
  });
});

describe("azureSource", () => {
  it("is configured by a subscription, a scope or AZURE_SUBSCRIPTION_ID", () => {
    expect(azureSource.isConfigured({}, {})).toBe(false);
    expect(azureSource.isConfigured({}, { AZURE_SUBSCRIPTION_ID: "0a1b2c3d-0000-4000-8000-00000000000a" })).toBe(true);
    expect(azureSource.isConfigured({ azure: { subscriptions: ["0a1b2c3d-0000-4000-8000-00000000000a"] } }, {})).toBe(true);
    expect(azureSource.isConfigured({ azure: { scopes: ["/providers/Microsoft.Management/managementGroups/x"] } }, {})).toBe(true);
  });

  it("keeps the Azure SDK out of its module: it loads only in fetch", () => {
    const text = readFileSync(new URL("../../../src/sources/azure/index.ts", import.meta.url), "utf8");
    expect(text).not.toMatch(/^import .*@azure\//m);
    expect(text).toContain('await import("./fetch.js")');
  });
});

describe("describeFailure", () => {
  it("gives one line for a malformed answer", async () => {
    const { describeFailure } = await import("../../../src/sources/azure/fetch.js");
    const { NotAnAnswer } = await import("../../../src/sources/azure/client.js");
    const { checkAnswer } = await import("../../../src/net/answer-shape.js");
    const { QueryPageBody } = await import("../../../src/sources/azure/result.js");
    const checked = checkAnswer(QueryPageBody, { properties: { columns: [], rows: "nope" } });
    expect(checked).toEqual({ ok: false, why: "properties.rows: expected array, received string" });
    const line = "the Query API answered HTTP 200 with a body that is not a query result (properties.rows: expected array, received string)";
    expect(describeFailure(new NotAnAnswer(line))).toBe(line);
  });
});
