import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDuck, sqlString, type Duck } from "../helpers/duckdb.js";
import { runCli } from "../helpers/run-cli.js";
import { currentGeneration } from "../../src/ledger/generations.js";

const window = ["--since", "2026-10-01", "--until", "2026-10-07"];
let dir: string;
let duck: Duck;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "ct-attr-cli-"));
  duck = await openDuck();
});
afterAll(() => duck.close());

const latest = (out: string, prefix: string): string => join(out, readdirSync(out).find((f) => f.startsWith(prefix) && f.endsWith(".csv"))!);

describe("the demo by tag:team", () => {
  it("carbon-track 30 --demo --group-by tag:team shows a share chart and a table by team, untagged usage included", async () => {
    const out = join(dir, "table");
    const res = await runCli(["30", "--demo", "--group-by", "tag:team", "--out", out], { env: { COLUMNS: "120" } });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/Share of CO2e by tag:team\n(  \S.*%.*kg\n){4}/);
    const table = res.stdout.slice(res.stdout.indexOf("CO2e by tag:team (largest first)"));
    for (const team of ["ml-research", "recommendations", "vision", "(untagged)"]) expect(table).toContain(`│ ${team}`);
    // The detail file gains the key's column at the end; the summary file's grain includes it.
    const detail = parse(readFileSync(join(out, "carbon_detail_latest.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    expect(Object.keys(detail[0]!).at(-1)).toBe("tag_team");
    expect(new Set(detail.map((r) => r.tag_team))).toEqual(new Set(["ml-research", "recommendations", "vision", "(untagged)"]));
    // Every provider carries tags, and some of each provider's usage, or another's, is untagged.
    for (const p of ["aws", "azure", "gcp"]) expect(detail.some((r) => r.provider === p && r.tag_team !== "(untagged)")).toBe(true);
    const summaryHeader = readFileSync(latest(out, "carbon_summary"), "utf8").split("\r\n")[0]!.split(",");
    expect(summaryHeader.slice(0, 5)).toEqual(["provider", "region", "instance_type", "tag_team", "rows"]);
    const pkg = JSON.parse(readFileSync(join(out, "datapackage.json"), "utf8")) as { resources: { name: string; schema: { fields: { name: string }[] } }[] };
    for (const name of ["carbon_detail", "carbon_summary"]) expect(pkg.resources.find((r) => r.name === name)!.schema.fields.map((f) => f.name)).toContain("tag_team");
  });

  it("the HTML page has a chart and a table per key", async () => {
    const out = join(dir, "html");
    const res = await runCli(["--demo", ...window, "--format", "csv", "--html", "--group-by", "tag:team", "--out", out]);
    expect(res.code, res.stderr).toBe(0);
    const page = readFileSync(join(out, readdirSync(out).find((f) => f.endsWith(".html"))!), "utf8");
    expect(page).toMatch(/<h3 id="by-key-0-h">CO2e by tag:team<\/h3><figure><svg/);
    expect(page).toMatch(/<td>\(untagged\)<\/td>/);
  });

  it("each key's groups add up to the window's totals; the JSON carries the values and the sums", async () => {
    const res = await runCli(["--demo", ...window, "--format", "json", "--group-by", "tag:team", "--group-by", "account"]);
    expect(res.code, res.stderr).toBe(0);
    const doc = JSON.parse(res.stdout) as {
      records: { tags?: Record<string, string> }[];
      summary: { totals: { hours: number; co2eKg: number; rows: number } };
      attribution: { keys: { id: string; column: string }[]; byKey: { key: string; groups: { key: { value: string }; totals: { hours: number; co2eKg: number; rows: number }; sharePercent: number }[] }[] };
    };
    expect(doc.attribution.keys).toEqual([{ id: "tag:team", column: "tag_team" }, { id: "account", column: "account" }]);
    expect(doc.records.every((r) => typeof r.tags?.["tag:team"] === "string")).toBe(true);
    for (const { groups } of doc.attribution.byKey) {
      const sum = (f: (t: { hours: number; co2eKg: number; rows: number }) => number) => groups.reduce((s, g) => s + f(g.totals), 0);
      expect(sum((t) => t.rows)).toBe(doc.summary.totals.rows);
      expect(sum((t) => t.hours)).toBeCloseTo(doc.summary.totals.hours, 5);
      expect(sum((t) => t.co2eKg)).toBeCloseTo(doc.summary.totals.co2eKg, 5);
      expect(groups.reduce((s, g) => s + g.sharePercent, 0)).toBeCloseTo(100, 4);
    }
  });

  it("without --group-by the layout is as before: no key column, no attribution in the JSON", async () => {
    const csv = await runCli(["--demo", ...window, "--format", "csv"]);
    expect(csv.stdout.split("\r\n")[0]).not.toMatch(/tag_/);
    const json = await runCli(["--demo", ...window, "--format", "json"]);
    expect(Object.keys(JSON.parse(json.stdout) as object)).not.toContain("attribution");
  });

  it("Parquet, the Markdown job summary and the ledger carry the key", async () => {
    const out = join(dir, "parquet");
    const ledger = join(dir, "ledger");
    const summary = join(dir, "step-summary.md");
    writeFileSync(summary, "");
    const res = await runCli(["--demo", ...window, "--format", "parquet", "--group-by", "tag:team", "--out", out, "--ledger", ledger], { env: { GITHUB_STEP_SUMMARY: summary } });
    expect(res.code, res.stderr).toBe(0);
    const parquet = join(out, readdirSync(out).find((f) => f.startsWith("carbon_detail_") && f.endsWith(".parquet"))!);
    const teams = await duck.rows(`SELECT DISTINCT tag_team FROM read_parquet(${sqlString(parquet)}) ORDER BY 1`);
    expect(teams.map((t) => t.tag_team)).toEqual(["(untagged)", "ml-research", "recommendations", "vision"]);
    expect(readFileSync(summary, "utf8")).toMatch(/### Top groups by tag:team\n\n\| tag:team \|[^\n]*\n[^\n]*\n\| ml-research \|/);
    const teamsInLedger = async () =>
      (await duck.rows(`SELECT DISTINCT tag_team FROM read_parquet(${sqlString(`${currentGeneration(ledger)}/detail/*/*/data.parquet`)}, union_by_name = true) ORDER BY 1`)).map((r) => r.tag_team);
    expect(await teamsInLedger()).toEqual(["(untagged)", "ml-research", "recommendations", "vision"]);
    // A later run without --group-by restates the same days: the partitions keep the column, empty for its rows.
    const again = await runCli(["--demo", ...window, "--format", "csv", "--ledger", ledger]);
    expect(again.code, again.stderr).toBe(0);
    expect(await teamsInLedger()).toEqual([null]);
  });
});

describe("utilisation rules by tag", () => {
  it("a config rule with tags sets u for the rows of that team when the run groups by it", async () => {
    const config = join(dir, "rules.json");
    writeFileSync(config, JSON.stringify({ utilization: { rules: [{ name: "research trains", tags: { team: "ml-research" }, u: "training" }] } }));
    const res = await runCli(["--demo", ...window, "--format", "csv", "--config", config, "--group-by", "tag:team"]);
    expect(res.code, res.stderr).toBe(0);
    const rows = parse(res.stdout, { columns: true }) as Record<string, string>[];
    for (const r of rows) expect(r.utilization_rule).toBe(r.tag_team === "ml-research" ? "research trains" : "default");
    const plain = parse((await runCli(["--demo", ...window, "--format", "csv", "--config", config])).stdout, { columns: true }) as Record<string, string>[];
    expect(plain.every((r) => r.utilization_rule === "default")).toBe(true);
  });
});

describe("budgets per group", () => {
  it("exit 4 when a group's central CO2e is over its budget, and the message names the group", async () => {
    const res = await runCli(["--demo", ...window, "--format", "csv", "--group-by", "tag:team", "--budget", "team=ml-research:10", "--budget", "team=vision:1000000"]);
    expect(res.code).toBe(4);
    expect(res.stderr).toMatch(/carbon budget of tag:team=ml-research exceeded: [\d,.]+ kg of 10\.0 kg used/);
    expect(res.stderr).not.toMatch(/tag:team=vision/);
  });

  it("per day, and from the config's groupBudgets; within budget is exit 0", async () => {
    const config = join(dir, "budgets.json");
    writeFileSync(config, JSON.stringify({ groupBy: ["tag:team"], groupBudgets: { team: { vision: "1/day", "ml-research": 1e9 } } }));
    const over = await runCli(["--demo", ...window, "--format", "csv", "--config", config]);
    expect(over.code).toBe(4);
    expect(over.stderr).toMatch(/carbon budget of tag:team=vision exceeded: [\d,.]+ kg of 1\.0 kg\/day × 7 days = 7\.0 kg used/);
    const within = await runCli(["--demo", ...window, "--format", "csv", "--config", config, "--budget", "team=vision:1000000/day"]);
    expect(within.code, within.stderr).toBe(0);
  });

  it("the terminal report lists every group budget", async () => {
    const res = await runCli(["--demo", ...window, "--group-by", "tag:team", "--budget", "team=recommendations:1/day", "--out", join(dir, "budget-table")]);
    expect(res.code).toBe(4);
    expect(res.stdout).toMatch(/Budgets by group\n  tag:team=recommendations: [\d,.]+ kg of 1\.0 kg\/day × 7 days = 7\.0 kg used: .* EXCEEDED/);
  });
});
