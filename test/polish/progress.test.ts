import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { run } from "../../src/pipeline/run.js";
import { createRedactor } from "../../src/text/redact.js";
import { days, usageCsv, type UsageRow } from "../helpers/usage-csv.js";
import { offlineGridEnv } from "../helpers/offline-grid.js";
import { sink } from "../helpers/sink.js";


let dir: string;
let input: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "ct-progress-"));
  input = join(dir, "usage.csv");
  // 12,000 rows: 100 accounts × 120 days.
  const rows: UsageRow[] = [];
  for (let a = 0; a < 100; a++) {
    for (const day of days("2026-06-01", "2026-09-28")) rows.push({ provider: "aws", account: String(100000 + a), region: "us-east-1", instanceType: "p5.48xlarge", hours: "1", day });
  }
  writeFileSync(input, usageCsv(rows));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function runOn(stderrIsTTY: boolean): Promise<{ stderr: string; stdout: string }> {
  const stdout = sink(false);
  const stderr = sink(stderrIsTTY);
  const argv = ["--input", input, "--out", join(dir, "out"), "--stamp", "none"];
  const code = await run({ argv, env: offlineGridEnv(), cwd: dir, now: new Date("2026-12-06T08:00:00Z"), stdout, stderr, interrupt: new AbortController().signal }, createRedactor([]));
  expect(code, stderr.text()).toBe(0);
  return { stderr: stderr.text(), stdout: stdout.text() };
}

describe("progress with counts, on a terminal only", () => {
  it("counts the rows read and the rows estimated, and takes the line away before the report", async () => {
    const { stderr, stdout } = await runOn(true);
    expect(stderr).toMatch(/… reading \S*usage\.csv: 10,000 rows/);
    expect(stderr).toMatch(/… estimating and writing: 10,000 rows/);
    // The last progress line is cleared: nothing of it is left in front of the report.
    const lastProgress = stderr.lastIndexOf("… ");
    expect(stderr.indexOf("\r\x1b[2K", lastProgress)).toBeGreaterThan(lastProgress);
    expect(stdout).toMatch(/^carbon-track — GPU emissions/);
  }, 60_000);

  it("says nothing of it when stderr is a file or a pipe", async () => {
    const { stderr } = await runOn(false);
    expect(stderr).not.toMatch(/rows$|… /m);
  }, 60_000);
});
