import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectRefused } from "../helpers/bad-input.js";
import { repoRoot, runCli } from "../helpers/run-cli.js";

/** The exact value of a headline card, as the page carries it for checks like these. */
const cardValue = (html: string, id: string): number => Number(new RegExp(`id="${id}"[^]*?<data value="([^"]+)"`).exec(html)![1]);

describe("--html (built CLI)", () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "ct-html-cli-"));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("with --format csv, stdout is the CSV alone and --out is created for the page only", async () => {
    const out = join(dir, "csv-out");
    const res = await runCli(["--demo", "--since", "2026-10-01", "--until", "2026-10-07", "--format", "csv", "--html", "--out", out, "--stamp", "date"], { cwd: dir });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.split("\r\n")[0]).toMatch(/^provider,account,region,/);
    const files = readdirSync(out);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^carbon_report_\d{8}\.html$/);
    const html = readFileSync(join(out, files[0]!), "utf8");
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).toContain("<h1>GPU emissions 2026-10-01 to 2026-10-07</h1>");
    // Nothing to fetch: no script, no external reference of any kind.
    expect(html).not.toMatch(/<script|<link|<img|src=|href="(?!#)|url\(/i);
  });

  it("report --ledger --html shows the change against the period before, the figures the JSON report gives", async () => {
    const ledger = join(dir, "ledger");
    expect((await runCli(["--demo", "--since", "2026-10-01", "--until", "2026-10-14", "--ledger", ledger, "--format", "csv"], { cwd: dir })).code).toBe(0);
    const out = join(dir, "report-out");
    const res = await runCli(["report", "--ledger", ledger, "--since", "2026-10-08", "--until", "2026-10-14", "--format", "json", "--html", "--out", out, "--stamp", "none"], { cwd: dir });
    expect(res.code, res.stderr).toBe(0);
    const doc = JSON.parse(res.stdout) as { summary: { totals: { co2eKg: number } }; comparison: { previousCo2eKg: number } };
    const html = readFileSync(join(out, "carbon_report.html"), "utf8");
    expect(html).toContain("Change against the previous period");
    expect(html).toContain("source: ledger");
    expect(cardValue(html, "total-co2e")).toBeCloseTo(doc.summary.totals.co2eKg, 5);
    expect(Number(/id="change"[^]*?2026-10-01 to 2026-10-07: <data value="([^"]+)"/.exec(html)![1])).toBeCloseTo(doc.comparison.previousCo2eKg, 5);
  });

  it("without --html no page is written", async () => {
    const out = join(dir, "plain");
    expect((await runCli(["--demo", "7", "--out", out, "--stamp", "none"], { cwd: dir })).code).toBe(0);
    expect(existsSync(join(out, "carbon_report.html"))).toBe(false);
    expect(existsSync(join(out, "carbon_summary.csv"))).toBe(true);
  });

  it("a csv run with --html checks --out before anything is created (exit 2)", async () => {
    await expectRefused({
      name: "--out under a file",
      files: { blocker: "x" },
      args: ["--demo", "7", "--format", "csv", "--html", "--out", "$DIR/blocker/sub"],
      message: /--out .*blocker\/sub cannot be created: .*blocker is a file$/,
    });
  });

  it("the GitHub Action asks for the page, so the uploaded directory holds it", () => {
    // action.yml runs action/run.mjs, which builds carbon-track's arguments.
    expect(readFileSync(join(repoRoot, "action", "run.mjs"), "utf8")).toMatch(/return \[\.\.\.args, "--html"/);
  });
});
