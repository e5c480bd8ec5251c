import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Chalk } from "chalk";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../src/pipeline/run.js";
import type { ReportData } from "../../src/report/model.js";
import { renderTables } from "../../src/report/table.js";
import { createRedactor } from "../../src/text/redact.js";
import { visibleWidth } from "../../src/text/wrap.js";
import { sink, type Sink } from "../helpers/sink.js";
import { days, usageCsv } from "../helpers/usage-csv.js";

const dir = mkdtempSync(join(tmpdir(), "ct-fit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));


async function demo(args: string[], stdout: Sink, env: NodeJS.ProcessEnv = {}): Promise<string> {
  const argv = ["--demo", "--since", "2026-11-01", "--until", "2026-11-30", "--out", dir, "--quiet", ...args];
  const code = await run({ argv, env, cwd: dir, now: new Date("2026-12-06T08:00:00Z"), stdout, stderr: sink(false), interrupt: new AbortController().signal }, createRedactor([]));
  expect(code).toBe(0);
  return stdout.text();
}

const plain = (text: string): string => text.replace(/\x1b\[[0-9;]*m/g, "");

describe("the table report fits the terminal", () => {
  for (const columns of [80, 120]) {
    it(`no line is wider than ${columns} columns, and every table row is whole`, async () => {
      const text = plain(await demo([], sink(true, columns)));
      for (const line of text.split("\n")) expect(visibleWidth(line), line).toBeLessThanOrEqual(columns);
      // A table row a terminal wrapped would leave a line that starts inside a cell: every table line is framed.
      for (const line of text.split("\n").filter((l) => /^[│┌└]/.test(l))) expect(line).toMatch(/[│┐┘]$/);
      expect(text).toContain("CO2e by region and instance type");
    });
  }

  it("says which columns it left out, and keeps them all when there is room", async () => {
    expect(await demo([], sink(true, 80))).toMatch(/Band kg left out to fit 80 columns/);
    expect(await demo([], sink(true, 200))).not.toMatch(/left out to fit/);
  });

  it("COLUMNS fits a report written to a pipe", async () => {
    const text = await demo([], sink(false), { COLUMNS: "80" });
    for (const line of text.split("\n")) expect(visibleWidth(line), line).toBeLessThanOrEqual(80);
  });
});

describe("the header says what it counts", () => {
  it("a one-day window is 1 day, and billed hours name their units", async () => {
    const text = await demo([], sink(false));
    expect(text).toMatch(/Billed hours: [\d,.]+ instance-hours \+ [\d,.]+ GPU-hours/);
    const day = sink(false);
    const argv = ["--demo", "--since", "2026-11-30", "--until", "2026-11-30", "--out", dir, "--quiet"];
    await run({ argv, env: {}, cwd: dir, now: new Date("2026-12-06T08:00:00Z"), stdout: day, stderr: sink(false), interrupt: new AbortController().signal }, createRedactor([]));
    expect(day.text()).toMatch(/\(1 day, UTC\)/);
    const md = sink(false);
    await run({ argv: [...argv, "--format", "markdown"], env: {}, cwd: dir, now: new Date("2026-12-06T08:00:00Z"), stdout: md, stderr: sink(false), interrupt: new AbortController().signal }, createRedactor([]));
    expect(md.text()).toMatch(/\(1 day, UTC\)/);
  });

  it("groups with hours of unknown power are marked", async () => {
    const text = await demo([], sink(false));
    expect(text).toMatch(/│ azure:eastus +│ +[\d,]+\* │/);
    expect(text).toContain("* includes hours of unknown power, left out of kWh and CO2e");
  });
});

describe("a large emitter without a suggestion says why", () => {
  it("the demo's ND H100 v5 is suggested from its sourced regions (config/availability.json)", async () => {
    // On the marginal figure Sweden's ND H100 v5 is among the largest emitters (on the location-based one it is not).
    const text = await demo(["--signal", "marginal"], sink(false));
    const tail = text.slice(text.indexOf("Cleaner regions"));
    expect(tail).toMatch(/azure Standard_ND96isr_H100_v5 +│ swedencentral → (eastus|eastus2|westus) /);
    expect(tail).not.toMatch(/Not suggested: azure Standard_ND96isr_H100_v5/);
  });

  it("a type with no recorded regions (ND H200 v5) gets a note under the suggestions that names it", async () => {
    const input = join(dir, "h200.csv");
    writeFileSync(input, usageCsv(days("2026-11-01", "2026-11-30").map((day) => ({ provider: "azure", account: "sub-1", region: "eastus", instanceType: "Standard_ND96isr_H200_v5", hours: "24", day }))));
    const out = sink(false);
    const argv = ["--input", input, "--since", "2026-11-01", "--until", "2026-11-30", "--out", dir, "--quiet"];
    expect(await run({ argv, env: {}, cwd: dir, now: new Date("2026-12-06T08:00:00Z"), stdout: out, stderr: sink(false), interrupt: new AbortController().signal }, createRedactor([]))).toBe(0);
    expect(out.text()).toMatch(/Not suggested: azure Standard_ND96isr_H200_v5: no record of the regions that offer it/);
  });
});

describe("colour follows FORCE_COLOR, NO_COLOR and TERM", () => {
  it("FORCE_COLOR colours a report written to a pipe", async () => {
    expect(await demo([], sink(false), { FORCE_COLOR: "1" })).toMatch(/\x1b\[/);
  });
  it("FORCE_COLOR=0 and TERM=dumb keep a terminal plain", async () => {
    expect(await demo([], sink(true), { FORCE_COLOR: "0" })).not.toMatch(/\x1b\[/);
    expect(await demo([], sink(true), { TERM: "dumb" })).not.toMatch(/\x1b\[/);
  });
});

describe("failures and warnings are seen after the report", () => {
  async function partialReport(): Promise<ReportData> {
    const out = sink(false);
    await demo(["--format", "json"], out);
    const doc = JSON.parse(out.text()) as ReportData;
    return { ...doc, failures: ["aws: no answer from Cost Explorer within 30000 ms"], warnings: ["w1: something to see", ...doc.warnings] };
  }

  it("the header names the failed provider in red, and a Failures section ends the report", async () => {
    const r = await partialReport();
    const coloured = renderTables(r, { chalk: new Chalk({ level: 1 }), color: true, width: 80 });
    expect(coloured).toMatch(/Providers: \x1b\[31m\x1b\[1maws \(failed\)/);
    const text = renderTables(r, { chalk: new Chalk({ level: 0 }), color: false, width: 80 });
    const tail = text.slice(text.indexOf("Intensity provenance"));
    expect(tail).toMatch(/Failures \(1\): their data is not in this report\n  aws: no answer from Cost Explorer/);
    expect(tail).toMatch(/Warnings \(\d+; in full on stderr above the report\)\n  w1: something to see/);
  });
});
