import { describe, expect, it } from "vitest";
import { cellKey, compare, compareVersions } from "../../src/reconcile/compare.js";
import type { GpuCell, ProviderCell, ProviderFigures } from "../../src/reconcile/model.js";
import { monthDays, monthsBetween } from "../../src/reconcile/model.js";

const gpu = (month: string, region: string, kg: number, over: Partial<GpuCell> = {}): GpuCell => ({ month, provider: "aws", account: "111122223333", region, co2eLocationKg: kg, unestimatedRows: 0, ...over });
const cell = (month: string, region: string, version: string | null, serviceKg: number, over: Partial<ProviderCell> = {}): ProviderCell => ({
  month,
  provider: "aws",
  account: "111122223333",
  region,
  modelVersion: version,
  serviceKg,
  serviceMarketKg: null,
  allServicesKg: serviceKg,
  ...over,
});
const figures = (cells: ProviderCell[], scopes = "2"): ProviderFigures => ({
  provider: "aws",
  source: "test",
  basis: { service: "AmazonEC2", scopes, method: "location-based" },
  cells,
  warnings: [],
});
const fullSpan = new Map([["aws" as const, { first: "2026-08-01", last: "2026-10-31" }]]);

describe("compare: carbon-track's cells beside a provider's", () => {
  it("divides carbon-track's figure by the provider's, cell by cell", () => {
    const { rows } = compare({
      gpu: [gpu("2026-10", "us-east-1", 300), gpu("2026-10", "us-west-2", 50)],
      figures: [figures([cell("2026-10", "us-east-1", "v3.0.0", 1200), cell("2026-10", "us-west-2", "v3.0.0", 40)])],
      span: fullSpan,
      previous: null,
    });
    expect(rows.map((r) => [r.region, r.ratio, r.reasons])).toEqual([
      ["us-east-1", 0.25, ["service-wide"]],
      ["us-west-2", 1.25, ["service-wide", "gpu-exceeds-service"]],
    ]);
  });

  it("uses the newest version of a month reported twice, flags it restated, and a month unlike the one before changed", () => {
    const { rows } = compare({
      gpu: [gpu("2026-08", "us-east-1", 100), gpu("2026-09", "us-east-1", 100), gpu("2026-10", "us-east-1", 100)],
      figures: [
        figures([
          cell("2026-08", "us-east-1", "v2.0.0", 400),
          cell("2026-09", "us-east-1", "v2.0.0", 400),
          cell("2026-09", "us-east-1", "v10.0.0", 500),
          cell("2026-10", "us-east-1", "v10.0.0", 800),
        ]),
      ],
      span: fullSpan,
      previous: null,
    });
    expect(rows.map((r) => [r.month, r.modelVersion, r.providerKg, r.modelFlags])).toEqual([
      ["2026-08", "v2.0.0", 400, []],
      ["2026-09", "v10.0.0", 500, ["restated", "changed"]],
      ["2026-10", "v10.0.0", 800, []],
    ]);
  });

  it("compares against an earlier reconciliation: another version, or the same version with another figure", () => {
    const previous = new Map([
      [cellKey({ month: "2026-10", provider: "aws", account: "111122223333", region: "us-east-1" }), { modelVersion: "v2.0.0", providerKg: 800 }],
      [cellKey({ month: "2026-10", provider: "aws", account: "111122223333", region: "us-west-2" }), { modelVersion: "v3.0.0", providerKg: 100 }],
      [cellKey({ month: "2026-10", provider: "aws", account: "111122223333", region: "eu-west-1" }), { modelVersion: "v3.0.0", providerKg: 100.4 }],
    ]);
    const { rows } = compare({
      gpu: [gpu("2026-10", "us-east-1", 1), gpu("2026-10", "us-west-2", 1), gpu("2026-10", "eu-west-1", 1)],
      figures: [figures([cell("2026-10", "us-east-1", "v3.0.0", 800), cell("2026-10", "us-west-2", "v3.0.0", 120), cell("2026-10", "eu-west-1", "v3.0.0", 100)])],
      span: fullSpan,
      previous,
    });
    expect(Object.fromEntries(rows.map((r) => [r.region, r.modelFlags]))).toEqual({
      "us-east-1": ["changed-since-previous"],
      "us-west-2": ["revised-since-previous"],
      // 0.4 % off: within the rounding a CSV's three decimals and the provider's own refreshes allow.
      "eu-west-1": [],
    });
  });

  it("says where either side is missing, where scopes or months differ, and leaves out accounts without GPUs", () => {
    const { rows, otherAccounts } = compare({
      gpu: [gpu("2026-10", "us-east-1", 10, { unestimatedRows: 2 }), gpu("2026-10", "ap-south-1", 5)],
      figures: [figures([cell("2026-10", "us-east-1", "v1.0.0", 100), cell("2026-10", "eu-west-1", "v1.0.0", 30), cell("2026-10", "us-east-1", "v1.0.0", 999, { account: "777788889999" })], "1+2")],
      span: new Map([["aws" as const, { first: "2026-10-05", last: "2026-10-31" }]]),
      previous: null,
    });
    expect(rows.map((r) => [r.region, r.ratio, r.reasons])).toEqual([
      ["ap-south-1", null, ["no-provider-figure", "partial-month"]],
      ["eu-west-1", null, ["no-gpu-usage", "scope-1-included", "partial-month"]],
      ["us-east-1", 0.1, ["service-wide", "scope-1-included", "unestimated-rows", "partial-month"]],
    ]);
    expect(otherAccounts.get("aws")).toBe(1);
  });

  it("orders versions by their numbers", () => {
    expect(["v10.0.0", "v2.10.1", "v2.9.0"].sort(compareVersions)).toEqual(["v2.9.0", "v2.10.1", "v10.0.0"]);
    expect(["12", "9", "11"].sort(compareVersions)).toEqual(["9", "11", "12"]);
  });

  it("walks months and their days across a year and a leap February", () => {
    expect(monthsBetween("2027-11", "2028-02")).toEqual(["2027-11", "2027-12", "2028-01", "2028-02"]);
    expect(monthDays("2028-02")).toEqual({ first: "2028-02-01", last: "2028-02-29" });
  });
});
