import { describe, expect, it } from "vitest";
import type { Catalog } from "../../../src/config/catalog.js";
import { ProviderError } from "../../../src/errors.js";
import { mapGpuUsageRows, secondsToHours } from "../../../src/sources/gcp/rows.js";
import { loadCatalog } from "./harness.js";

const catalog = loadCatalog();
const row = (over: Record<string, unknown>) => ({
  kind: "machine",
  period_start: "2026-10-02T00:00:00Z",
  project_id: "ml-training-prod",
  region: "us-central1",
  type: "a2-highgpu-8g",
  usage_seconds: 0,
  cores: null,
  recent: false,
  line_count: 1,
  ...over,
});
const withoutGcpType = (type: string): Catalog => ({
  ...catalog,
  instances: { ...catalog.instances, gcp: new Map([...catalog.instances.gcp].filter(([k]) => k !== type)) },
});

describe("secondsToHours", () => {
  it("divides by 3600", () => {
    expect(secondsToHours(5400)).toBe(1.5);
    expect(secondsToHours(86_400)).toBe(24);
    expect(secondsToHours(0)).toBe(0);
  });
});

describe("mapGpuUsageRows", () => {
  it("divides a machine's vCPU-seconds by the catalog's vCPUs, and counts attached GPUs per GPU", () => {
    const { records, warnings, otherLines } = mapGpuUsageRows(
      [
        // g2-standard-24 has 24 vCPUs: 24 × 3600 × 1.5 = 129,600 vCPU-seconds = 1.5 instance-hours.
        row({ type: "g2-standard-24", usage_seconds: 129_600, cores: 24, region: "us-west4" }),
        // Two P4 for 45 minutes each: 2 × 2700 = 5400 GPU-seconds = 1.5 gpu-hours.
        row({ kind: "gpu", type: "P4", usage_seconds: 5400, recent: true }),
        row({ kind: "other", period_start: null, project_id: null, region: null, type: null, line_count: 42 }),
      ],
      catalog,
      "daily",
    );
    expect(warnings).toEqual([]);
    expect(otherLines).toBe(42);
    expect(records).toEqual([
      {
        provider: "gcp",
        account: "ml-training-prod",
        region: "us-west4",
        instanceType: "g2-standard-24",
        unit: "instance-hour",
        quantity: 1.5,
        periodStart: "2026-10-02T00:00:00Z",
        periodEnd: "2026-10-03T00:00:00Z",
        estimated: false,
      },
      {
        provider: "gcp",
        account: "ml-training-prod",
        region: "us-central1",
        instanceType: "nvidia-tesla-p4",
        unit: "gpu-hour",
        quantity: 1.5,
        periodStart: "2026-10-02T00:00:00Z",
        periodEnd: "2026-10-03T00:00:00Z",
        estimated: true,
      },
    ]);
  });

  it("ends an hourly period an hour later", () => {
    const { records } = mapGpuUsageRows([row({ kind: "gpu", type: "T4", period_start: "2026-10-02T23:00:00Z", usage_seconds: 3600 })], catalog, "hourly");
    expect(records[0]).toMatchObject({ periodStart: "2026-10-02T23:00:00Z", periodEnd: "2026-10-03T00:00:00Z", quantity: 1 });
  });

  it("uses the billing label's vCPUs for a type the catalog lacks", () => {
    // 208 × 3600 × 2 = 1,497,600 vCPU-seconds = 2 instance-hours.
    const { records, warnings } = mapGpuUsageRows([row({ type: "a3-highgpu-8g", usage_seconds: 1_497_600, cores: 208 })], withoutGcpType("a3-highgpu-8g"), "daily");
    expect(warnings).toEqual([]);
    expect(records.map((r) => [r.instanceType, r.quantity])).toEqual([["a3-highgpu-8g", 2]]);
  });

  it("keeps the catalog's vCPUs and says so when the billing label disagrees", () => {
    const { records, warnings } = mapGpuUsageRows([row({ type: "a3-highgpu-8g", usage_seconds: 1_497_600, cores: 96 })], catalog, "daily");
    expect(records.map((r) => r.quantity)).toEqual([2]);
    expect(warnings).toEqual(["gcp: a3-highgpu-8g bills 96 vCPUs per VM but the catalog says 208; hours use the catalog's figure"]);
  });

  it("leaves out, with a warning, usage it cannot turn into hours", () => {
    const { records, warnings } = mapGpuUsageRows(
      [row({ type: "a2-highgpu-8g", usage_seconds: 1, cores: null }), row({ kind: "gpu", type: "K80", usage_seconds: 3600 })],
      withoutGcpType("a2-highgpu-8g"),
      "daily",
    );
    expect(records).toEqual([]);
    expect(warnings).toEqual([
      "gcp: a2-highgpu-8g has no vCPU count in the catalog or the billing labels; its usage is left out",
      "gcp: GPU model K80 is not a known attached GPU; its usage is left out",
    ]);
  });

  it("rejects rows the query cannot have produced", () => {
    expect(() => mapGpuUsageRows([row({ project_id: null })], catalog, "daily")).toThrow(ProviderError);
    expect(() => mapGpuUsageRows([row({ usage_seconds: "12" })], catalog, "daily")).toThrow(/unexpected row: usage_seconds/);
    expect(() => mapGpuUsageRows([row({ period_start: "2026-10-02" })], catalog, "daily")).toThrow(/unexpected row: period_start/);
  });
});

describe("N1 hosts of attached GPUs", () => {
  it("are counted once, from the core lines of the GPUs' project, region and period, within the vCPUs N1 allows per GPU", () => {
    const { records, otherLines } = mapGpuUsageRows(
      [
        // One P4 for 2 h: at most 2 × 24 = 48 vCPU-hours of N1 host.
        row({ kind: "gpu", type: "P4", usage_seconds: 7200 }),
        // A custom N1 type the catalog lacks: its vCPUs come from the billing label. 8 vCPUs × 2 h.
        row({ kind: "n1", type: "custom-8-30720", usage_seconds: 8 * 7200, cores: 8 }),
        // 96 vCPUs × 2 h of n1-standard-96 in the same period: 192 + 16 = 208 vCPU-hours against a cap of 48.
        row({ kind: "n1", type: "n1-standard-96", usage_seconds: 96 * 7200, cores: 96 }),
        // The same project elsewhere, with no GPU: not a GPU host.
        row({ kind: "n1", type: "n1-standard-4", region: "europe-west1", usage_seconds: 4 * 3600, line_count: 7 }),
      ],
      catalog,
      "daily",
    );
    expect(otherLines).toBe(7);
    const hours = Object.fromEntries(records.map((r) => [r.instanceType, r.quantity]));
    const share = 48 / 208;
    expect(hours["nvidia-tesla-p4"]).toBe(2);
    expect(hours["custom-8-30720"]).toBeCloseTo(2 * share, 12);
    expect(hours["n1-standard-96"]).toBeCloseTo(2 * share, 12);
    expect(records.every((r) => r.instanceType === "nvidia-tesla-p4" || r.unit === "instance-hour")).toBe(true);
    expect(Object.keys(hours)).not.toContain("n1-standard-4");
  });
});
