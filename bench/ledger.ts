import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { runNode } from "./child.js";
import { writeInputCsv } from "./input-file.js";
import { binPath, workDir } from "./paths.js";
import { csvHeader } from "./usage-rows.js";

export interface LedgerFigures {
  rows: number;
  /** --input … --format csv without a ledger: the run without the store. */
  baselineMs: number;
  /** The same run into a new ledger, then again into it (every row replaced: the restated-window case). */
  firstMs: number;
  againMs: number;
  yearRows: number;
  /** report --ledger over the ledger's whole year, detail CSV to /dev/null; and the terminal report with its files. */
  reportCsvMs: number;
  reportTableMs: number;
}

const fleet = [
  ["aws", "us-east-1", "p5.48xlarge"],
  ["azure", "eastus", "Standard_ND96asr_v4"],
  ["gcp", "us-central1", "a3-highgpu-8g"],
] as const;

/** A year of daily rows: `accounts` accounts per provider, one type each. */
async function writeYear(file: string, accounts: number): Promise<number> {
  const out = createWriteStream(file);
  out.write(`${csvHeader}\n`);
  const start = Date.parse("2025-11-01T00:00:00Z");
  let rows = 0;
  for (let d = 0; d < 365; d++) {
    const [from, to] = [new Date(start + d * 86_400_000), new Date(start + (d + 1) * 86_400_000)].map((t) => t.toISOString().replace(".000Z", "Z"));
    const lines: string[] = [];
    for (const [provider, region, type] of fleet) {
      for (let a = 0; a < accounts; a++) lines.push(`${provider},acct-${100000 + a},${region},${type},instance-hour,${((d * 31 + a * 7) % 2400) / 100},${from},${to},false,,`);
    }
    rows += lines.length;
    if (!out.write(`${lines.join("\n")}\n`)) await once(out, "drain");
  }
  out.end();
  await once(out, "finish");
  return rows;
}

async function timed(args: string[]): Promise<number> {
  // Static intensity for both signals: the ledger's cost, not the grid services', is measured (see input-file.ts).
  const r = await runNode([binPath, ...args, ...(args[0] === "report" ? [] : ["--intensity", "static"])], { env: { NO_COLOR: "1" }, stdoutToNull: true });
  if (r.code !== 0) throw new Error(`carbon-track ${args.join(" ")} exited ${r.code}: ${r.stderr.slice(0, 500)}`);
  return r.wallMs;
}

export async function ledgerBench(rows: number): Promise<LedgerFigures> {
  mkdirSync(workDir, { recursive: true });
  const file = join(workDir, `ledger-usage-${rows}.csv`);
  await writeInputCsv(rows, file);
  const ledger = join(workDir, "ledger");
  rmSync(ledger, { recursive: true, force: true });
  const run = ["--input", file, "--format", "csv", "--quiet"];
  const baselineMs = await timed(run);
  const firstMs = await timed([...run, "--ledger", ledger]);
  const againMs = await timed([...run, "--ledger", ledger]);
  rmSync(file, { force: true });

  const year = join(workDir, "year.csv");
  const yearLedger = join(workDir, "year-ledger");
  rmSync(yearLedger, { recursive: true, force: true });
  const yearRows = await writeYear(year, 200);
  await timed(["--input", year, "--format", "csv", "--quiet", "--ledger", yearLedger]);
  const reportCsvMs = await timed(["report", "--ledger", yearLedger, "--format", "csv", "--quiet"]);
  const reportTableMs = await timed(["report", "--ledger", yearLedger, "--out", join(workDir, "year-out"), "--quiet"]);
  for (const p of [year, yearLedger, ledger, join(workDir, "year-out")]) rmSync(p, { recursive: true, force: true });
  return { rows, baselineMs, firstMs, againMs, yearRows, reportCsvMs, reportTableMs };
}
