import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/errors.js";
import { gcpSource } from "../../../src/sources/gcp/index.js";
import { parseGcpTable, validateGcpTable } from "../../../src/sources/gcp/table-name.js";

describe("validateGcpTable", () => {
  it.each([
    "ml-billing-admin.billing_export.gcp_billing_export_v1_0123AB_4567CD_89EF01",
    "acme-finops.Billing.gcp_billing_export_resource_v1_0123AB_4567CD_89EF01",
    "proj12.all_billing_data.gcp_billing_export_v1_01a2b3_c4d5e6_f7a8b9",
  ])("accepts the export table %s", (name) => {
    expect(validateGcpTable(name)).toBe(name);
  });

  it.each([
    ["no project", "billing_export.gcp_billing_export_v1_0123AB_4567CD_89EF01"],
    ["not an export table", "proj-a.billing.my_view"],
    ["a backtick", "proj-a.billing.gcp_billing_export_v1_0123AB`; DROP TABLE x; --"],
    ["a space", "proj-a.billing.gcp_billing_export_v1_0123AB 4567CD"],
    ["a quote", "proj-a.bill'ing.gcp_billing_export_v1_0123AB_4567CD_89EF01"],
    ["a fourth part", "proj-a.billing.gcp_billing_export_v1_0123AB.extra"],
    ["an upper-case project", "Proj-A.billing.gcp_billing_export_v1_0123AB_4567CD_89EF01"],
    ["a project ending in a hyphen", "proj-.billing.gcp_billing_export_v1_0123AB_4567CD_89EF01"],
    ["a wildcard", "proj-a.billing.gcp_billing_export_v1_*"],
    ["a newline", "proj-a.billing.gcp_billing_export_v1_0123AB\n"],
  ])("rejects a name with %s as a usage error", (_why, name) => {
    expect(() => validateGcpTable(name)).toThrow(UsageError);
    expect(() => validateGcpTable(name)).toThrow(/is not a billing export table: expected project\.dataset\.gcp_billing_export_v1_<BILLING_ACCOUNT>/);
  });

  it("splits a valid name into its parts", () => {
    expect(parseGcpTable("acme-finops.billing.gcp_billing_export_resource_v1_0123AB_4567CD_89EF01")).toEqual({
      project: "acme-finops",
      dataset: "billing",
      table: "gcp_billing_export_resource_v1_0123AB_4567CD_89EF01",
    });
  });
});

describe("gcpSource", () => {
  it("is configured by an export table alone", () => {
    expect(gcpSource.isConfigured({}, {})).toBe(false);
    expect(gcpSource.isConfigured({ gcp: { maximumBytesBilled: 10 } }, {})).toBe(false);
    expect(gcpSource.isConfigured({ gcp: { table: "p-1234.d.gcp_billing_export_v1_01" } }, {})).toBe(true);
    expect(gcpSource.howToConfigure).not.toContain("\n");
  });
});
