import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { backoffMs } from "../../../src/sources/aws/client.js";
import { gpuTypesOf } from "../../../src/sources/aws/fetch.js";
import { awsSource } from "../../../src/sources/aws/index.js";
import { addDecimals, addPage, emptyMapped, toInstant } from "../../../src/sources/aws/map.js";
import { instanceTypesQuery, timePeriod, usageQuery } from "../../../src/sources/aws/query.js";
import { looksAccelerated, parseUsageType } from "../../../src/sources/aws/usage-type.js";
import { loadCatalog } from "./harness.js";

describe("usage types", () => {
  it.each([
    ["BoxUsage:p5.48xlarge", "us-east-1", "BoxUsage", "p5.48xlarge"],
    ["USE1-BoxUsage:p5.48xlarge", "us-east-1", "BoxUsage", "p5.48xlarge"],
    ["USW2-SpotUsage:g5.12xlarge", "us-west-2", "SpotUsage", "g5.12xlarge"],
    ["EU-BoxUsage:p4d.24xlarge", "eu-west-1", "BoxUsage", "p4d.24xlarge"],
    ["EUC1-DedicatedUsage:p4d.24xlarge", "eu-central-1", "DedicatedUsage", "p4d.24xlarge"],
    ["APS3-HostBoxUsage:g5.xlarge", "ap-south-1", "HostBoxUsage", "g5.xlarge"],
    ["APS1-BoxUsage:g6.xlarge", "ap-southeast-1", "BoxUsage", "g6.xlarge"],
    ["SAE1-BoxUsage:g4dn.xlarge", "sa-east-1", "BoxUsage", "g4dn.xlarge"],
    ["USE1-Train:ml.p4d.24xlarge", "us-east-1", "Train", "ml.p4d.24xlarge"],
    ["USW2-Train-Spot:ml.g5.2xlarge", "us-west-2", "Train-Spot", "ml.g5.2xlarge"],
    ["SpotUsage:p6-b200.48xlarge", "us-east-1", "SpotUsage", "p6-b200.48xlarge"],
  ])("%s is %s %s %s", (usageType, region, kind, instanceType) => {
    expect(parseUsageType(usageType)).toEqual({ ok: true, region, kind, instanceType });
  });

  it("reports an unknown prefix instead of guessing", () => {
    expect(parseUsageType("APS9-BoxUsage:g6.xlarge")).toEqual({ ok: false, reason: "unknown-prefix", prefix: "APS9" });
  });

  it("recognises usage that is not an instance", () => {
    expect(parseUsageType("USE1-DataTransfer-Out-Bytes")).toEqual({ ok: false, reason: "not-an-instance" });
  });

  it.each([
    ["p5.48xlarge", true],
    ["g4ad.xlarge", true],
    ["trn1n.32xlarge", true],
    ["ml.inf2.xlarge", true],
    ["p6-b200.48xlarge", true],
    ["m5.xlarge", false],
    ["c7g.large", false],
    ["ml.t3.medium", false],
  ])("%s accelerated: %s", (type, expected) => {
    expect(looksAccelerated(type)).toBe(expected);
  });
});

describe("queries", () => {
  it("sends End as the day after the last day, across a month end", () => {
    expect(timePeriod({ since: "2026-10-02", until: "2026-10-31", granularity: "daily" })).toEqual({ Start: "2026-10-02", End: "2026-11-01" });
    expect(timePeriod({ since: "2026-12-31", until: "2026-12-31", granularity: "hourly" })).toEqual({
      Start: "2026-12-31T00:00:00Z",
      End: "2027-01-01T00:00:00Z",
    });
  });

  it("lists instance types of running hours by day, even for an hourly window", () => {
    const q = instanceTypesQuery({ since: "2026-10-01", until: "2026-10-10", granularity: "hourly" });
    expect(q.TimePeriod).toEqual({ Start: "2026-10-01", End: "2026-10-11" });
    expect(q.Filter).toEqual({ Dimensions: { Key: "USAGE_TYPE_GROUP", Values: ["EC2: Running Hours"] } });
  });

  it("groups by account and usage type, filtered to GPU running hours or SageMaker", () => {
    const q = usageQuery({ since: "2026-10-01", until: "2026-10-30", granularity: "daily" }, ["g5.xlarge", "p5.48xlarge"]);
    expect(q.Granularity).toBe("DAILY");
    expect(q.Metrics).toEqual(["UsageQuantity", "AmortizedCost"]);
    expect(q.GroupBy).toEqual([
      { Type: "DIMENSION", Key: "LINKED_ACCOUNT" },
      { Type: "DIMENSION", Key: "USAGE_TYPE" },
    ]);
    expect(q.Filter).toEqual({
      Or: [
        {
          And: [
            { Dimensions: { Key: "USAGE_TYPE_GROUP", Values: ["EC2: Running Hours"] } },
            { Dimensions: { Key: "INSTANCE_TYPE", Values: ["g5.xlarge", "p5.48xlarge"] } },
          ],
        },
        { Dimensions: { Key: "SERVICE", Values: ["Amazon SageMaker"] } },
      ],
    });
    expect(usageQuery({ since: "2026-10-01", until: "2026-10-02", granularity: "hourly" }, []).Granularity).toBe("HOURLY");
  });

  it("keeps catalogued and accelerated types, never CPU types", () => {
    expect(gpuTypesOf(["m5.xlarge", "p5.48xlarge", "g4ad.xlarge", "c6i.large", "p5.48xlarge", "inf2.xlarge"], loadCatalog())).toEqual([
      "g4ad.xlarge",
      "inf2.xlarge",
      "p5.48xlarge",
    ]);
  });
});

describe("mapping a page", () => {
  const group = (usageType: string, amount: string, unit = "Hrs") => ({
    Keys: ["111122223333", usageType] as [string, string],
    Metrics: { UsageQuantity: { Amount: amount, Unit: unit }, AmortizedCost: { Amount: "1", Unit: "USD" } },
  });
  const day = { TimePeriod: { Start: "2026-10-01", End: "2026-10-02" }, Estimated: false };

  it("treats a unit other than hours as a failure, not as hours", () => {
    const into = emptyMapped();
    addPage(into, [{ ...day, Groups: [group("BoxUsage:p5.48xlarge", "3", "N/A")] }], new Set(["p5.48xlarge"]));
    expect(into.records.size).toBe(0);
    expect([...into.failures]).toEqual(['usage type BoxUsage:p5.48xlarge is measured in "N/A", not hours: its usage is left out']);
  });

  it("merges purchase options of one type and sums exactly", () => {
    const into = emptyMapped();
    addPage(into, [{ ...day, Groups: [group("BoxUsage:g5.xlarge", "0.1"), group("SpotUsage:g5.xlarge", "0.2")] }], new Set(["g5.xlarge"]));
    expect([...into.records.values()]).toEqual([
      expect.objectContaining({ quantity: 0.3, cost: 2, currency: "USD", periodStart: "2026-10-01T00:00:00Z", periodEnd: "2026-10-02T00:00:00Z" }),
    ]);
  });

  it("reads hourly periods as instants", () => {
    expect(toInstant("2026-10-01T05:00:00Z")).toBe("2026-10-01T05:00:00Z");
    expect(toInstant("2026-10-01")).toBe("2026-10-01T00:00:00Z");
    expect(addDecimals(24, 4.000000000000001e-12)).toBe(24);
  });
});

describe("configuration and pacing", () => {
  const home = mkdtempSync(join(tmpdir(), "carbon-track-home-"));

  it.each([
    [{}, {}, false],
    [{ aws: { profile: "billing" } }, {}, true],
    [{}, { AWS_PROFILE: "billing" }, true],
    [{}, { AWS_ACCESS_KEY_ID: "AKIAFAKE" }, true],
    [{}, { AWS_WEB_IDENTITY_TOKEN_FILE: "/var/run/token" }, true],
    [{}, { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: "/v2/credentials/x" }, true],
  ])("config %j env %j configured: %s", (config, env, expected) => {
    expect(awsSource.isConfigured(config, { HOME: home, ...env })).toBe(expected);
  });

  it("is configured by a shared credentials file", () => {
    const withFile = mkdtempSync(join(tmpdir(), "carbon-track-home-"));
    mkdirSync(join(withFile, ".aws"));
    writeFileSync(join(withFile, ".aws", "credentials"), "[default]\n");
    expect(awsSource.isConfigured({}, { HOME: withFile })).toBe(true);
    expect(awsSource.isConfigured({}, { HOME: home, AWS_CONFIG_FILE: join(withFile, ".aws", "credentials") })).toBe(true);
  });

  it("backs off from the base, doubling, within jitter and a cap", () => {
    const policy = { timeoutMs: 1000, retryBaseMs: 100, maxAttempts: 5 };
    expect(backoffMs(policy, 1, () => 0)).toBe(50);
    expect(backoffMs(policy, 1, () => 1)).toBe(100);
    expect(backoffMs(policy, 3, () => 1)).toBe(400);
    expect(backoffMs(policy, 30, () => 1)).toBe(20_000);
  });
});
