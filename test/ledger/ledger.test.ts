import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDuck, sqlString, type Duck } from "../helpers/duckdb.js";
import { runCli } from "../helpers/run-cli.js";
import { days, usageCsv, type UsageRow } from "../helpers/usage-csv.js";

const fleet = [
  { provider: "aws", account: "012345678901", region: "us-east-1", instanceType: "p5.48xlarge" },
  { provider: "aws", account: "111122223333", region: "us-west-2", instanceType: "p4d.24xlarge" },
  { provider: "azure", account: "6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b", region: "eastus", instanceType: "Standard_ND96asr_v4" },
  { provider: "gcp", account: "ml-research-prod", region: "us-central1", instanceType: "a3-highgpu-8g" },
];

/** A deterministic, fractional number of hours for a fleet row on a day. */
const hoursOf = (row: number, day: string): string => (8 + ((Number(day.slice(8, 10)) * 7 + row * 5) % 17) / 4).toFixed(2);

function week(since: string, until: string, providers: readonly string[]): UsageRow[] {
  return days(since, until).flatMap((day) => fleet.map((f, i) => ({ ...f, day, hours: hoursOf(i, day) })).filter((r) => providers.includes(r.provider)));
}

type Key = string;
const keyOf = (r: { provider: string; account: string; region: string; instanceType: string; day: string }): Key =>
  [r.provider, r.account, r.region, r.instanceType, r.day].join("|");

/** What the ledger must hold after each --input run: each provider × account's own span replaced by the run's rows. */
function applyRun(truth: Map<Key, number>, rows: readonly UsageRow[]): void {
  const spans = new Map<string, [string, string]>();
  for (const r of rows) {
    const id = `${r.provider}|${r.account}`;
    const s = spans.get(id);
    spans.set(id, s ? [r.day < s[0] ? r.day : s[0], r.day > s[1] ? r.day : s[1]] : [r.day, r.day]);
  }
  for (const k of [...truth.keys()]) {
    const [provider, account, , , day] = k.split("|") as [string, string, string, string, string];
    const s = spans.get(`${provider}|${account}`);
    if (s && day >= s[0] && day <= s[1]) truth.delete(k);
  }
  for (const r of rows) truth.set(keyOf(r), Number(r.hours));
}

const glob = (ledger: string): string => `read_parquet(${sqlString(join(ledger, "detail", "**", "*.parquet"))}, hive_partitioning = true)`;

async function ledgerByKey(duck: Duck, ledger: string): Promise<Map<Key, { hours: number; rows: bigint }>> {
  const rows = await duck.rows(
    `SELECT provider, account, region, instance_type, strftime(period_start, '%Y-%m-%d') AS day, sum(quantity_hours) AS hours, count(*) AS n
     FROM ${glob(ledger)} GROUP BY ALL`,
  );
  return new Map(
    rows.map((r) => [
      keyOf({ provider: String(r.provider), account: String(r.account), region: String(r.region), instanceType: String(r.instance_type), day: String(r.day) }),
      { hours: r.hours as number, rows: r.n as bigint },
    ]),
  );
}

/** The summary grain, read the same way: one row per provider × account × region × type × unit × day. */
async function summaryByKey(duck: Duck, ledger: string): Promise<Map<Key, { hours: number; rows: bigint }>> {
  const rows = await duck.rows(
    `SELECT provider, account, region, instance_type, strftime(day, '%Y-%m-%d') AS day, quantity_hours AS hours, "rows" AS n
     FROM read_parquet(${sqlString(join(ledger, "summary", "**", "*.parquet"))}, hive_partitioning = true)`,
  );
  return new Map(
    rows.map((r) => [
      keyOf({ provider: String(r.provider), account: String(r.account), region: String(r.region), instanceType: String(r.instance_type), day: String(r.day) }),
      { hours: r.hours as number, rows: r.n as bigint },
    ]),
  );
}

function expectEqualToTruth(actual: Map<Key, { hours: number; rows: bigint }>, truth: Map<Key, number>): void {
  expect([...actual.keys()].sort()).toEqual([...truth.keys()].sort());
  for (const [k, v] of truth) {
    expect(actual.get(k)!.rows, k).toBe(1n);
    expect(actual.get(k)!.hours, k).toBeCloseTo(v, 6);
  }
}

describe("the ledger: three overlapping weekly --input runs (built CLI, read back by DuckDB)", () => {
  let dir: string;
  let duck: Duck;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ct-ledger-"));
    duck = await openDuck();
  });
  afterAll(() => {
    duck?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("equals the truth of the final data per provider × account × region × instance type × day", async () => {
    const ledger = join(dir, "ledger");
    const runs: UsageRow[][] = [
      week("2026-10-26", "2026-11-01", ["aws", "azure", "gcp"]),
      // The middle run restates 2026-10-31 for one AWS account and the Azure subscription's 2026-11-01 to nothing.
      week("2026-10-30", "2026-11-05", ["aws", "azure", "gcp"])
        .map((r) => (r.day === "2026-10-31" && r.account === "012345678901" ? { ...r, hours: "3.25" } : r))
        .filter((r) => !(r.day === "2026-11-01" && r.provider === "azure")),
      // The last run has no Azure rows (not asked): Azure's rows stay as they were.
      week("2026-11-03", "2026-11-09", ["aws", "gcp"]),
    ];
    const truth = new Map<Key, number>();
    for (const [i, rows] of runs.entries()) {
      const input = join(dir, `week${i + 1}.csv`);
      writeFileSync(input, usageCsv(rows));
      const res = await runCli(["--input", input, "--ledger", ledger, "--out", join(dir, "out"), "-q"]);
      expect(res.stderr).toBe("");
      expect(res.code).toBe(0);
      applyRun(truth, rows);
      expectEqualToTruth(await ledgerByKey(duck, ledger), truth);
      expectEqualToTruth(await summaryByKey(duck, ledger), truth);
    }
    expect(truth.get("aws|012345678901|us-east-1|p5.48xlarge|2026-10-31")).toBe(3.25);
    expect(truth.has("azure|6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b|eastus|Standard_ND96asr_v4|2026-11-01")).toBe(false);
    expect(truth.has("azure|6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b|eastus|Standard_ND96asr_v4|2026-11-05")).toBe(true);

    // The layout a BI tool globs: one file per provider × month, the provider and the month in the path.
    const files = await duck.rows(`SELECT DISTINCT filename FROM read_parquet(${sqlString(join(ledger, "detail", "**", "*.parquet"))}, filename = true) ORDER BY 1`);
    expect(files.map((f) => String(f.filename).slice(join(ledger, "detail").length + 1))).toEqual([
      "provider=aws/month=2026-10/data.parquet",
      "provider=aws/month=2026-11/data.parquet",
      "provider=azure/month=2026-10/data.parquet",
      "provider=azure/month=2026-11/data.parquet",
      "provider=gcp/month=2026-10/data.parquet",
      "provider=gcp/month=2026-11/data.parquet",
    ]);
    // Every row names the run that wrote it, with its types.
    const described = Object.fromEntries((await duck.rows(`DESCRIBE SELECT * FROM ${glob(ledger)}`)).map((r) => [r.column_name, r.column_type]));
    expect(described).toMatchObject({
      account: "VARCHAR",
      quantity_hours: "DOUBLE",
      period_start: "TIMESTAMP WITH TIME ZONE",
      estimated: "BOOLEAN",
      run_id: "VARCHAR",
      run_started_at: "TIMESTAMP WITH TIME ZONE",
      tool_version: "VARCHAR",
      data_version: "VARCHAR",
      run_signal: "VARCHAR",
      provider: "VARCHAR",
      month: "VARCHAR",
    });
    const [runsSeen] = await duck.rows(`SELECT count(DISTINCT run_id) AS n FROM ${glob(ledger)}`);
    expect(runsSeen!.n).toBe(3n);

    // The same window again: every data column unchanged.
    const dataColumns = `SELECT * EXCLUDE (run_id, run_started_at) FROM ${glob(ledger)} ORDER BY provider, account, region, instance_type, period_start`;
    const before = JSON.stringify(await duck.rows(dataColumns), (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));
    const again = await runCli(["--input", join(dir, "week3.csv"), "--ledger", ledger, "--out", join(dir, "out"), "-q"]);
    expect(again.code).toBe(0);
    expect(JSON.stringify(await duck.rows(dataColumns), (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))).toBe(before);
  }, 240_000);

  it("a window restated to nothing empties its days, and a partition left empty disappears", async () => {
    const ledger = join(dir, "empty-ledger");
    const input = join(dir, "oct-nov.csv");
    writeFileSync(input, usageCsv(week("2026-10-29", "2026-11-02", ["aws"])));
    expect((await runCli(["--input", input, "--ledger", ledger, "--format", "csv"])).code).toBe(0);
    // The same account again, with an explicit window over October's days: the file has only November rows.
    const later = join(dir, "nov.csv");
    writeFileSync(later, usageCsv(week("2026-11-01", "2026-11-02", ["aws"])));
    expect((await runCli(["--input", later, "--since", "2026-10-29", "--until", "2026-11-02", "--ledger", ledger, "--format", "csv"])).code).toBe(0);
    const truth = new Map<Key, number>(week("2026-11-01", "2026-11-02", ["aws"]).map((r) => [keyOf(r), Number(r.hours)]));
    expectEqualToTruth(await ledgerByKey(duck, ledger), truth);
    expect(existsSync(join(ledger, "detail", "provider=aws", "month=2026-10"))).toBe(false);
  });

  it("three overlapping demo windows equal one demo run over the whole span", async () => {
    const ledger = join(dir, "demo-ledger");
    for (const [since, until] of [
      ["2026-10-20", "2026-10-26"],
      ["2026-10-24", "2026-10-30"],
      ["2026-10-28", "2026-11-03"],
    ]) {
      const res = await runCli(["--demo", "--since", since!, "--until", until!, "--ledger", ledger, "--format", "json"]);
      expect(res.code).toBe(0);
    }
    const whole = await runCli(["--demo", "--since", "2026-10-20", "--until", "2026-11-03", "--format", "csv"]);
    expect(whole.code).toBe(0);
    const truth = new Map<Key, number>();
    for (const r of parse(whole.stdout, { columns: true }) as Record<string, string>[]) {
      truth.set(keyOf({ provider: r.provider!, account: r.account!, region: r.region!, instanceType: r.instance_type!, day: r.period_start!.slice(0, 10) }), Number(r.quantity_hours));
    }
    expectEqualToTruth(await ledgerByKey(duck, ledger), truth);
  }, 120_000);

  it("takes `ledger` from the config file, relative to that file", async () => {
    const cfgDir = join(dir, "cfg");
    cpSync(join(dir, "week1.csv"), join(dir, "w1.csv"));
    writeFileSync(join(dir, "config.json"), JSON.stringify({ ledger: "cfg/ledger" }));
    const res = await runCli(["--input", join(dir, "w1.csv"), "--config", join(dir, "config.json"), "--format", "csv"]);
    expect(res.code).toBe(0);
    expect(existsSync(join(cfgDir, "ledger", "detail", "provider=aws", "month=2026-10", "data.parquet"))).toBe(true);
  });
});

describe("the ledger lock", () => {
  it("refuses a second run while the first holds the ledger, and takes over the lock of a dead run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ct-ledger-lock-"));
    try {
      const ledger = join(dir, "ledger");
      const input = join(dir, "usage.csv");
      writeFileSync(input, usageCsv(week("2026-10-26", "2026-11-01", ["aws"])));
      // A live holder: this test's own process.
      mkdirSync(ledger);
      writeFileSync(join(ledger, ".lock"), JSON.stringify({ pid: process.pid, started: "2026-11-02T06:00:00.000Z" }));
      const refused = await runCli(["--input", input, "--ledger", ledger, "--format", "csv", "-q"]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toBe(
        `carbon-track: ledger ${ledger} is in use by another carbon-track run (pid ${process.pid}, started 2026-11-02T06:00:00.000Z): nothing was done; run again when it has finished\n`,
      );
      expect(refused.stdout).toBe("");
      expect(existsSync(join(ledger, "detail"))).toBe(false);

      // A holder that is gone: its lock is taken over.
      const deadPid = 2 ** 22 + 12345; // above Linux's pid_max default: no such process
      writeFileSync(join(ledger, ".lock"), JSON.stringify({ pid: deadPid, started: "2026-11-02T06:00:00.000Z" }));
      const ok = await runCli(["--input", input, "--ledger", ledger, "--format", "csv"]);
      expect(ok.code).toBe(0);
      expect(existsSync(join(ledger, ".lock"))).toBe(false);
      expect(existsSync(join(ledger, "detail"))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
