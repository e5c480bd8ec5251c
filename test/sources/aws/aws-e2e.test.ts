import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterEach, describe, expect, it } from "vitest";
import { loadDataset, startFakeCostExplorer, type Dataset, type FakeCostExplorer, type FakeError, type FakeOptions } from "../../fakes/aws-cost-explorer.js";
import { loadAggregateFixture, startBigQueryFake } from "../../fakes/bigquery.js";
import { runCli } from "../../helpers/run-cli.js";
import { aggregateFixture, exportTable, gcpTestEnv } from "../gcp/harness.js";
import { awsTestEnv, expectedHours, fakeAccessKeyId, fakeSecret, fixturePath } from "./harness.js";

const dayMs = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The fixture moved in time so that its last in-window day (2026-10-03) is yesterday, and 2026-10-04 is today. */
function rebased(data: Dataset): { data: Dataset; day: (fixtureDay: string) => string } {
  const yesterday = Date.parse(`${isoDay(Date.now())}T00:00:00Z`) - dayMs;
  const shiftMs = yesterday - Date.parse("2026-10-03T00:00:00Z");
  const day = (d: string) => isoDay(Date.parse(`${d}T00:00:00Z`) + shiftMs);
  return {
    day,
    data: {
      ...data,
      estimatedFrom: day(data.estimatedFrom),
      items: data.items.map((i) => ({ ...i, daily: Object.fromEntries(Object.entries(i.daily).map(([d, q]) => [day(d), q])) })),
    },
  };
}

let fake: FakeCostExplorer | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function run(opts: FakeOptions = {}, extra: { args?: string[]; env?: Record<string, string> } = {}) {
  const { data, day } = rebased(loadDataset(fixturePath));
  fake = await startFakeCostExplorer(data, opts);
  const out = mkdtempSync(join(tmpdir(), "carbon-track-aws-out-"));
  const env = {
    ...awsTestEnv(fake.url),
    HOME: mkdtempSync(join(tmpdir(), "carbon-track-aws-home-")),
    CARBON_TRACK_TIMEOUT_MS: "2000",
    CARBON_TRACK_RETRY_BASE_MS: "10",
    ...extra.env,
  };
  // An option is given once (a second --providers is refused): the extra arguments may name the providers themselves.
  const providers = extra.args?.includes("--providers") ? [] : ["--providers", "aws"];
  const result = await runCli(["30", ...providers, "--out", out, "--stamp", "none", ...(extra.args ?? [])], { env });
  return { result, out, day, requests: fake.requests };
}

describe("carbon-track 30 --providers aws against the fake Cost Explorer", () => {
  it("prints the tables and writes the CSVs", async () => {
    const { result, out, day, requests } = await run({ pageSize: 20 }, { args: ["--verbose"] });
    expect(result.stderr).not.toMatch(/^error/im);
    expect(result.code).toBe(0);
    // What docs/aws.md says a run reports: the fixture needs two pages.
    expect(result.stderr).toContain('aws requests: {"GetDimensionValues":1,"GetCostAndUsage":2}');
    expect(result.stdout).toContain("p5.48xlarge");
    expect(result.stdout).toContain("ml.p4d.24xlarge");
    expect(result.stdout).not.toContain("m5.xlarge");

    const files = readdirSync(out);
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => !f.endsWith(".csv"))).toEqual(["datapackage.json"]);
    const detail = files.map((f) => readFileSync(join(out, f), "utf8")).find((text) => text.includes("instance_type") && text.includes("period_start"));
    expect(detail).toBeDefined();
    const rows = parse(detail ?? "", { columns: true }) as Array<Record<string, string>>;
    const hours = Object.fromEntries(
      rows.map((r) => [`${String(r.period_start).slice(0, 10)} ${r.account} ${r.region} ${r.instance_type}`, Number(r.quantity_hours)]),
    );
    // The fixture's three days, moved in time: every (account, region, type, day) carries the fixture's hours,
    // at the CSV's 6 decimals (docs/csv-schema.md).
    for (const [key, expected] of Object.entries(expectedHours)) {
      const [fixtureDay, ...rest] = key.split(" ");
      expect(hours[[day(fixtureDay ?? ""), ...rest].join(" ")], key).toBe(Number(expected.toFixed(6)));
    }
    expect(rows.filter((r) => r.estimated === "true").every((r) => String(r.period_start).startsWith(day("2026-10-03")))).toBe(true);
    // 2026-10-04 became today: End is exclusive, so none of its hours are in.
    expect(rows.some((r) => String(r.period_start).startsWith(day("2026-10-04")))).toBe(false);
    expect(rows.some((r) => r.instance_type === "m5.xlarge" || r.instance_type === "c6i.large" || r.instance_type === "ml.t3.medium")).toBe(false);

    expect(requests.map((r) => r.operation)).toEqual(["GetDimensionValues", "GetCostAndUsage", "GetCostAndUsage"]);
    expect(requests.every((r) => r.accessKeyId === fakeAccessKeyId)).toBe(true);
    for (const text of [result.stdout, result.stderr, ...files.map((f) => readFileSync(join(out, f), "utf8"))]) expect(text).not.toContain(fakeSecret);
  });

  it("exits 1 naming the missing permission when access is denied, and prints no secret", async () => {
    const { result } = await run({
      errors: [{ operation: "GetDimensionValues", type: "AccessDeniedException", message: "User is not authorized to perform: ce:GetDimensionValues", times: Infinity }],
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("ce:GetCostAndUsage");
    expect(result.stderr).toContain("ce:GetDimensionValues");
    expect(result.stdout + result.stderr).not.toContain(fakeSecret);
  });

  it("exits 3 when AWS is denied but GCP answers, naming AWS and the permission", async () => {
    const bigquery = await startBigQueryFake({ fixture: loadAggregateFixture(aggregateFixture), rebaseToSince: true });
    try {
      const denied: FakeError = { operation: "GetDimensionValues", type: "AccessDeniedException", message: "not authorized", times: Infinity };
      const { result, out } = await run(
        { errors: [denied] },
        { args: ["--providers", "aws,gcp", "--gcp-table", exportTable], env: gcpTestEnv(bigquery.url) },
      );
      expect(result.code).toBe(3);
      expect(result.stderr).toMatch(/aws: .*ce:GetCostAndUsage and ce:GetDimensionValues/);
      expect(readdirSync(out)).toContain("carbon_detail.csv");
      expect(result.stdout + result.stderr).not.toContain(fakeSecret);
    } finally {
      await bigquery.close();
    }
  });
});

describe("a ledger another run holds", () => {
  it("refuses the run before Cost Explorer is asked anything (exit 2, no billed request)", async () => {
    const ledger = mkdtempSync(join(tmpdir(), "carbon-track-aws-ledger-"));
    // A live holder: this test's own process (not the child's).
    writeFileSync(join(ledger, ".lock"), JSON.stringify({ pid: process.pid, started: "2026-11-02T06:00:00.000Z" }));
    const { result, requests } = await run({}, { args: ["--ledger", ledger] });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^carbon-track: ledger \S+ is in use by another carbon-track run \(pid \d+, started 2026-11-02T06:00:00.000Z\): nothing was done/);
    expect(requests).toEqual([]);
    expect(readdirSync(ledger)).toEqual([".lock"]);
  });
});
