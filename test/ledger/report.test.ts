import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { openDuck, sqlString, type Duck } from "../helpers/duckdb.js";
import { runCli } from "../helpers/run-cli.js";
import { sink } from "../helpers/sink.js";


interface JsonReport {
  period: { since: string; until: string; days: number };
  options: { source: string; providers: string[] };
  records: { provider: string; account: string; periodStart: string; quantity: number; co2eKg: number | null }[];
  summary: { totals: { co2eKg: number; hours: number; rows: number } };
  comparison?: { previous: { since: string; until: string; days: number }; previousCo2eKg: number; changePercent: number | null };
}

const sortedLines = (csv: string): string[] => csv.split("\r\n").filter(Boolean).sort();

describe("carbon-track report --ledger (built CLI, no credentials, no network)", () => {
  let dir: string;
  let ledger: string;
  let duck: Duck;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ct-report-"));
    ledger = join(dir, "ledger");
    duck = await openDuck();
    const res = await runCli(["--demo", "--since", "2026-10-01", "--until", "2026-10-31", "--ledger", ledger, "--format", "csv"]);
    expect(res.code).toBe(0);
  });
  afterAll(() => {
    duck?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("prints the run's detail CSV for a window, and the JSON report with the change against the week before", async () => {
    const window = ["--since", "2026-10-08", "--until", "2026-10-14"];
    const [fromLedger, fromRun] = [await runCli(["report", "--ledger", ledger, ...window, "--format", "csv"]), await runCli(["--demo", ...window, "--format", "csv"])];
    expect(fromLedger.code).toBe(0);
    expect(sortedLines(fromLedger.stdout)).toEqual(sortedLines(fromRun.stdout));

    const json = await runCli(["report", "--ledger", ledger, ...window, "--format", "json"]);
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.stdout) as JsonReport;
    expect(doc.period).toMatchObject({ since: "2026-10-08", until: "2026-10-14", days: 7 });
    expect(doc.options.source).toBe("ledger");
    const before = JSON.parse((await runCli(["--demo", "--since", "2026-10-01", "--until", "2026-10-07", "--format", "json"])).stdout) as JsonReport;
    expect(doc.comparison!.previous).toEqual({ since: "2026-10-01", until: "2026-10-07", days: 7 });
    expect(doc.comparison!.previousCo2eKg).toBeCloseTo(before.summary.totals.co2eKg, 3);
    expect(doc.comparison!.changePercent).toBeCloseTo((100 * (doc.summary.totals.co2eKg - before.summary.totals.co2eKg)) / before.summary.totals.co2eKg, 3);

    // The first week has no week before it in the ledger: no comparison rather than a wrong one.
    const first = JSON.parse((await runCli(["report", "--ledger", ledger, "--since", "2026-10-01", "--until", "2026-10-07", "--format", "json"])).stdout) as JsonReport;
    expect(first.comparison).toBeUndefined();
  });

  it("without a window reports the ledger's whole span, with the tables and the files of a run", async () => {
    const out = join(dir, "out");
    const res = await runCli(["report", "--ledger", ledger, "--out", out, "--stamp", "none"]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("carbon-track — GPU emissions 2026-10-01 to 2026-10-31 (31 days, UTC)");
    expect(res.stdout).toContain("Source: ledger");
    expect(readdirSync(out).sort()).toEqual(["carbon_detail.csv", "carbon_detail_latest.csv", "carbon_suggestions.csv", "carbon_summary.csv", "datapackage.json"]);
    const md = await runCli(["report", "--ledger", ledger, "--since", "2026-10-15", "--until", "2026-10-21", "--format", "markdown", "--out", out]);
    expect(md.stdout).toMatch(/^- CO2e [+-]\d+\.\d % vs the 7 days before \(2026-10-08 to 2026-10-14: /m);
  });

  it("ledger export writes one de-duplicated file in CSV or Parquet", async () => {
    const [csv, parquet] = [join(dir, "all.csv"), join(dir, "all.parquet")];
    expect((await runCli(["ledger", "export", "--ledger", ledger, "--format", "csv", "--out", csv])).code).toBe(0);
    expect((await runCli(["ledger", "export", "--ledger", ledger, "--format", "parquet", "--out", parquet])).code).toBe(0);
    const [r] = await duck.rows(
      `SELECT (SELECT count(*) FROM read_csv(${sqlString(csv)}, types = {'account': 'VARCHAR'})) AS c,
              (SELECT count(*) FROM read_parquet(${sqlString(parquet)})) AS p,
              (SELECT count(*) FROM (SELECT DISTINCT provider, account, region, instance_type, unit, period_start FROM read_parquet(${sqlString(parquet)}))) AS keys,
              (SELECT count(*) FROM read_parquet(${sqlString(join(ledger, "detail", "**", "*.parquet"))})) AS ledger`,
    );
    expect(r).toEqual({ c: r!.ledger, p: r!.ledger, keys: r!.ledger, ledger: r!.ledger });
    const types = Object.fromEntries((await duck.rows(`DESCRIBE SELECT * FROM read_parquet(${sqlString(parquet)})`)).map((d) => [d.column_name, d.column_type]));
    expect(types).toMatchObject({ provider: "VARCHAR", account: "VARCHAR", co2e_kg: "DOUBLE", period_start: "TIMESTAMP WITH TIME ZONE", run_id: "VARCHAR" });
  });

  it.each([
    [["report"], "carbon-track: report needs --ledger DIR: the ledger that runs with --ledger wrote\n"],
    [["report", "--ledger", "/nonexistent/ledger"], "carbon-track: --ledger /nonexistent/ledger holds no ledger: runs with --ledger /nonexistent/ledger fill it\n"],
    [["ledger", "export", "--ledger", "x", "--format", "xlsx", "--out", "f"], 'carbon-track: ledger export --format "xlsx" is not one of csv, parquet: carbon-track ledger export --ledger DIR --format csv|parquet --out FILE\n'],
    [["ledger", "import"], 'carbon-track: ledger: unknown command "import": use carbon-track ledger export --ledger DIR --format csv|parquet --out FILE\n'],
  ])("%j is a usage error (exit 2)", async (args, message) => {
    const res = await runCli(args);
    expect(res.stderr).toBe(message);
    expect(res.code).toBe(2);
  });
});

describe("the ledger in process (DuckDB itself)", () => {
  it("a second run against a ledger in use refuses with exit 2 and the first completes", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ct-ledger-inproc-"));
    try {
      const deps = (argv: string[]) => ({
        argv,
        env: {},
        cwd: dir,
        now: new Date("2026-11-26T08:00:00Z"),
        stdout: sink(),
        stderr: sink(),
        interrupt: new AbortController().signal,
      });
      const runs = [deps(["7", "--demo", "--ledger", "ledger", "--format", "json"]), deps(["7", "--demo", "--ledger", "ledger", "--format", "json"])];
      const codes = await Promise.all(runs.map((d) => main(d)));
      // Whichever reaches the ledger second is refused; the other completes.
      expect([...codes].sort()).toEqual([0, 2]);
      const [done, refused] = codes[0] === 0 ? [runs[0]!, runs[1]!] : [runs[1]!, runs[0]!];
      expect(refused.stderr.text()).toMatch(/^carbon-track: ledger \S+ledger is in use by another carbon-track run \(pid \d+, started 2026-11-26T08:00:00.000Z\): nothing was done/);
      expect(refused.stdout.text()).toBe("");
      const doc = JSON.parse(done.stdout.text()) as JsonReport;
      const back = deps(["report", "--ledger", "ledger", "--since", "2026-11-19", "--until", "2026-11-25", "--format", "json"]);
      expect(await main(back)).toBe(0);
      const fromLedger = JSON.parse(back.stdout.text()) as JsonReport;
      expect(fromLedger.summary.totals.rows).toBe(doc.summary.totals.rows);
      expect(fromLedger.summary.totals.hours).toBeCloseTo(doc.summary.totals.hours, 4);
      expect(fromLedger.summary.totals.co2eKg).toBeCloseTo(doc.summary.totals.co2eKg, 3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
