import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, type CliResult } from "../helpers/run-cli.js";
import { shippedAvailabilityRows } from "./setup-data.js";

// Run `npm run build` first: these run the built CLI as a child process (stdout is a pipe, not a TTY).
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "ct-report-"));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const ansi = /\x1b\[/;
const window = ["--since", "2026-10-01", "--until", "2026-10-30"];

describe("demo report in the terminal and its files", () => {
  let out: string;
  let run: CliResult;
  beforeAll(async () => {
    out = tmp();
    run = await runCli(["--demo", ...window, "--out", out]);
  });

  it("shows the trend chart, the shares and the suggestions, without colour codes when stdout is not a TTY", () => {
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("Daily CO2e, kg (one bar per day, UTC)");
    expect(run.stdout).toMatch(/2026-10-01 +2026-10-30/);
    expect(run.stdout).toMatch(/Share of CO2e by provider\n {2}aws +█+/);
    expect(run.stdout).toContain("Share of CO2e by region");
    expect(run.stdout).toMatch(/Cleaner regions for the largest emitters[^\n]*\n[\s\S]*aws p5\.48xlarge +│ us-east-1 → /);
    expect(run.stdout).not.toMatch(ansi);
    expect(run.stderr).not.toMatch(ansi);
  });

  it("keeps the pictures within 80 columns", () => {
    const pictures = run.stdout.slice(run.stdout.indexOf("Daily CO2e"), run.stdout.indexOf("CO2e by region and instance type"));
    for (const line of pictures.split("\n")) expect([...line].length).toBeLessThanOrEqual(80);
  });

  it("writes the suggestions CSV (only regions that offer the type) and a latest copy of the detail", () => {
    const files = readdirSync(out).sort();
    const stamped = files.find((f) => /^carbon_detail_\d{8}_\d{6}\.csv$/.test(f))!;
    expect(stamped).toBeDefined();
    expect(readFileSync(join(out, "carbon_detail_latest.csv"), "utf8")).toBe(readFileSync(join(out, stamped), "utf8"));
    const suggestions = files.find((f) => /^carbon_suggestions_\d{8}_\d{6}\.csv$/.test(f))!;
    const rows = parse(readFileSync(join(out, suggestions), "utf8"), { columns: true }) as Record<string, string>[];
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.keys(rows[0]!)).toContain("saving_co2e_kg");
    const avail = shippedAvailabilityRows();
    for (const r of rows) {
      const type = r.instance_type!.replace(/^ml\./, "");
      expect(avail[r.provider!]![type], type).toContain(r.to_region);
      expect(Number(r.saving_co2e_kg)).toBeCloseTo(Number(r.from_co2e_kg) - Number(r.to_co2e_kg), 5);
      expect(r.saving_co2e_kg).toMatch(/^\d+(\.\d+)?$/);
    }
    expect(files.filter((f) => f.startsWith("."))).toEqual([]);
  });
});

describe("carbon budget", () => {
  it("--budget 1 warns and exits 4", async () => {
    const r = await runCli(["--demo", ...window, "--budget", "1", "--out", tmp()]);
    expect(r.code).toBe(4);
    expect(r.stderr).toMatch(/carbon budget exceeded: [\d,.]+ kg of 1\.0 kg used/);
    expect(r.stdout).toContain("EXCEEDED");
  });

  it("a large budget exits 0 and shows the share used, with the high bound beside it", async () => {
    const r = await runCli(["--demo", ...window, "--budget", "1000000", "--out", tmp()]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Budget: [\d,.]+ kg of 1,000,000\.0 kg used: [\d.]+ % \(high bound [\d,.]+ kg, [\d.]+ %\) — within budget/);
    expect(r.stderr).not.toContain("budget");
  });

  it("warns past 50 % and scales a per-day budget by the window's days", async () => {
    const r = await runCli(["--demo", ...window, "--budget", "350/day", "--format", "json"]);
    const doc = JSON.parse(r.stdout);
    expect(doc.budget).toMatchObject({ limitKg: 10500, perDayKg: 350, days: 30 });
    expect(doc.budget.usedKg).toBeCloseTo(doc.summary.totals.co2eKg, 9);
    expect(doc.budget.usedPercent).toBeGreaterThanOrEqual(50);
    expect(r.stderr).toMatch(/warning: carbon budget past (50|80|95) %/);
    expect(r.code).toBe(doc.budget.exceeded ? 4 : 0);
  });
});

describe("Markdown, JSON, CSV and GitHub job summaries", () => {
  it("appends the Markdown summary to GITHUB_STEP_SUMMARY on every run", async () => {
    const summary = join(tmp(), "step_summary.md");
    writeFileSync(summary, "earlier step\n");
    const env = { GITHUB_STEP_SUMMARY: summary };
    expect((await runCli(["--demo", ...window, "--out", tmp()], { env })).code).toBe(0);
    expect((await runCli(["--demo", ...window, "--format", "json"], { env })).code).toBe(0);
    const text = readFileSync(summary, "utf8");
    expect(text.startsWith("earlier step\n")).toBe(true);
    expect(text.match(/^## carbon-track: GPU emissions 2026-10-01 to 2026-10-30/gm)).toHaveLength(2);
    expect(text).toContain("| Provider | Region | Instance type |");
  });

  it("--format markdown prints Markdown and still writes the CSV files", async () => {
    const out = tmp();
    const r = await runCli(["--demo", ...window, "--format", "markdown", "--stamp", "none", "--out", out]);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith("## carbon-track")).toBe(true);
    expect(r.stdout).toContain("### Cleaner regions for the largest emitters");
    expect(readdirSync(out).sort()).toEqual(["carbon_detail.csv", "carbon_detail_latest.csv", "carbon_suggestions.csv", "carbon_summary.csv", "datapackage.json"]);
  });

  it("--format json carries the suggestions and the budget", async () => {
    const r = await runCli(["--demo", ...window, "--format", "json"]);
    const doc = JSON.parse(r.stdout);
    expect(doc.budget).toBeNull();
    expect(doc.suggestions.length).toBeGreaterThan(0);
    expect(doc.suggestions[0]).toHaveProperty("savingKg");
  });

  it("--format csv prints only the detail CSV, byte-identical across runs", async () => {
    const a = await runCli(["--demo", ...window, "--format", "csv"]);
    const b = await runCli(["--demo", ...window, "--format", "csv"]);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout.startsWith("provider,account,region,instance_type,")).toBe(true);
  });

  it("NO_COLOR output has no escape codes", async () => {
    const r = await runCli(["--demo", ...window, "--out", tmp()], { env: { NO_COLOR: "1" } });
    expect(r.stdout + r.stderr).not.toMatch(ansi);
  });
});
