import { cpus, loadavg } from "node:os";
import { rmSync, symlinkSync } from "node:fs";
import { runNode } from "./child.js";
import { coldStart } from "./cold-start.js";
import { endToEnd } from "./end-to-end.js";
import { runInput } from "./input-file.js";
import { athenaRequests, exportBench } from "./exports.js";
import { ledgerBench } from "./ledger.js";
import { repoRoot, workDir } from "./paths.js";
import { round2 } from "./round2.js";

/**
 * `npm run bench`: the five figures of issue 9 and the ledger's two of issue 14, measured in one run, offline (loopback fakes only).
 * Ratios compare commands measured in this same run on this same machine, so they travel between machines.
 */
const MB = 1024 * 1024;
const fmt = (n: number, digits = 0): string => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const mb = (bytes: number): string => `${fmt(bytes / MB)} MB`;
const line = (s = ""): void => void process.stdout.write(`${s}\n`);
const verdict = (ok: boolean): string => (ok ? "meets target" : "MISSES target");

interface CalcFigures {
  mode: string;
  rows: number;
  rowsPerSecond: number;
  calcHeapBytes: number;
  maxRssBytes: number;
}

async function calc(mode: "array" | "stream", rows: number): Promise<CalcFigures> {
  const script = new URL("./calc-child.js", import.meta.url).pathname;
  const r = await runNode(["--expose-gc", script, mode, String(rows)]);
  if (r.code !== 0) throw new Error(`calc bench (${mode}) exited ${r.code}: ${r.stderr}`);
  return JSON.parse(r.stdout) as CalcFigures;
}

const started = performance.now();
line(`carbon-track bench — ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} CPUs, node ${process.version}, ${process.platform}, load average ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
line();

// The compiled fakes read their fixtures relative to themselves: give them the repository's.
rmSync(`${repoRoot}.bench-tmp/build/test/fixtures`, { recursive: true, force: true });
symlinkSync(`${repoRoot}test/fixtures`, `${repoRoot}.bench-tmp/build/test/fixtures`, "dir");
// BENCH_ONLY=22: only issue 22's goals (a few minutes, against the baseline build); BENCH_RUNS: runs per figure.
await round2({ runs: Number(process.env.BENCH_RUNS ?? 3), rows: 1_000_000 });
if (process.env.BENCH_ONLY === "22") {
  rmSync(workDir, { recursive: true, force: true });
  line(`bench took ${fmt((performance.now() - started) / 1000, 1)} s, load average now ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  process.exit(0);
}

const cold = await coldStart(15);
line(`1. cold start (median of ${cold.runs}): node -e 0 ${fmt(cold.nodeMs)} ms`);
line(`   --version ${fmt(cold.versionMs)} ms = ${fmt(cold.versionMs / cold.nodeMs, 2)}x   --help ${fmt(cold.helpMs)} ms = ${fmt(cold.helpMs / cold.nodeMs, 2)}x   (target <= 1.3x: ${verdict(Math.max(cold.versionMs, cold.helpMs) / cold.nodeMs <= 1.3)})`);

const { startFakes } = await import("./fakes.js");
const pick = (counts: Record<string, number> | undefined, key: string): Record<string, number> | undefined =>
  counts && key in counts ? { [key]: counts[key]! } : undefined;
const delayMs = 100;
const fakes = await startFakes(delayMs);
try {
  const e2e = await endToEnd(fakes, 2);
  const ratio = e2e.allMs / e2e.singleMs[e2e.longestSingle];
  line(`2. end to end, carbon-track 30, ${delayMs} ms per request, cold cache (median of ${e2e.runs}):`);
  line(`   aws ${fmt(e2e.singleMs.aws)} ms, azure ${fmt(e2e.singleMs.azure)} ms, gcp ${fmt(e2e.singleMs.gcp)} ms (each + WattTime); all ${fmt(e2e.allMs)} ms`);
  line(`   all ÷ longest single (${e2e.longestSingle}) = ${fmt(ratio, 2)}x   (target <= 1.2x: ${verdict(ratio <= 1.2)})`);
  line(`3. requests on the wire, 30-day run (reported by --verbose in brackets):`);
  for (const [name, run] of [["cold", e2e.cold], ["warm", e2e.warm]] as const) {
    const parts = Object.entries(run.wire).map(([id, n]) => {
      // The location-based sources are reported together, per source, as `location requests: {…}`.
      const said = id === "eia" || id === "gb" ? pick(run.reported.location, id === "eia" ? "eia" : "gb-carbon-intensity") : run.reported[id === "watttime" ? "intensity" : id];
      return `${id} ${n}${said ? ` (${Object.entries(said).map(([k, v]) => `${k} ${v}`).join(", ")})` : ""}`;
    });
    line(`   ${name}: ${parts.join("; ")}`);
  }
  line(`   warm WattTime requests: ${e2e.warm.wire.watttime} (target 0: ${verdict(e2e.warm.wire.watttime === 0)})`);
  line(`   warm EIA + GB requests: ${e2e.warm.wire.eia + e2e.warm.wire.gb} (complete days come from the cache; a day not yet complete would be asked again)`);
} finally {
  await fakes.close();
}

const rows = 1_000_000;
for (const mode of ["stream", "array"] as const) {
  const c = await calc(mode, rows);
  const label = mode === "stream" ? "per row, nothing held (createEstimator + summaryBuilder)" : "whole array held (estimate + summarize)";
  line(`4. calc ${label}: ${fmt(c.rows)} rows at ${fmt(c.rowsPerSecond)} rows/s (target >= 1,000,000: ${verdict(c.rowsPerSecond >= 1e6)}); calc heap ${mb(c.calcHeapBytes)}, peak RSS ${mb(c.maxRssBytes)}`);
}

// The --input path streams (docs/performance.md): two passes over the file, nothing held per row but a 16-24 byte
// hash for the duplicate check. The growth of peak RSS per row between 250,000 and 1,000,000 rows shows it.
const inputs = [];
for (const n of [100_000, 250_000, rows]) inputs.push(await runInput(n, "csv"));
inputs.push(await runInput(rows, "table"));
for (const r of inputs) {
  line(`5. --input ${fmt(r.rows)} rows --format ${r.format}: ${fmt(r.rowsPerSecond)} rows/s, peak RSS ${mb(r.maxRssBytes)}, peak heapUsed ${mb(r.maxHeapUsedBytes)}`);
}
const [, quarter, million] = inputs as [(typeof inputs)[0], (typeof inputs)[0], (typeof inputs)[0]];
const perRow = (million.maxRssBytes - quarter.maxRssBytes) / (million.rows - quarter.rows);
line(`   peak RSS grows ${fmt(perRow)} bytes per row from 250,000 to 1,000,000 rows (the duplicate check's hash set: 16-24) (target: flat, ${verdict(perRow < 50)})`);
// The ledger (docs/csv-schema.md "The ledger"): its cost is the difference from the same run without it.
const led = await ledgerBench(rows);
line(`6. ledger upsert, --input ${fmt(led.rows)} rows --format csv: without ledger ${fmt(led.baselineMs)} ms; into a new ledger ${fmt(led.firstMs)} ms (+${fmt(led.firstMs - led.baselineMs)} ms); again, every row replaced, ${fmt(led.againMs)} ms (+${fmt(led.againMs - led.baselineMs)} ms)`);
line(`7. report from the ledger, a year (${fmt(led.yearRows)} daily rows): --format csv ${fmt(led.reportCsvMs)} ms; table with its files ${fmt(led.reportTableMs)} ms`);
// Billing exports (docs/exports.md): 1 GB of FOCUS CSV and the same rows as Parquet, against DuckDB's bare scan.
for (const e of await exportBench(Number(process.env.BENCH_EXPORT_BYTES ?? 1024 * MB))) {
  const { min, median: mid, max } = e.ratio;
  line(`8. --export FOCUS ${e.format} ${mb(e.bytes)} (${fmt(e.rows)} rows, median of ${e.runs}): ${fmt(e.ingestMs)} ms = ${fmt(mid, 2)}x (min ${fmt(min, 2)}, max ${fmt(max, 2)}) the engine's bare scan ${fmt(e.bareScanMs)} ms (target <= 1.5x: ${verdict(mid <= 1.5)}); CPU ${fmt(e.ingestCpuMs)} ms = ${fmt(e.cpuRatio.median, 2)}x (min ${fmt(e.cpuRatio.min, 2)}, max ${fmt(e.cpuRatio.max, 2)}) the bare scan's ${fmt(e.bareScanCpuMs)} ms; the engine reading the query's columns alone ${fmt(e.columnsScanMs)} ms (CPU ${fmt(e.columnsScanCpuMs)} ms); peak RSS ${mb(e.maxRssBytes)} (target < 1 GB: ${verdict(e.maxRssBytes < 1024 * MB)})`);
}
const athena = await athenaRequests();
line(`9. --athena-table, 3 days of CUR 2.0 over the loopback Athena: requests ${Object.entries(athena).map(([k, v]) => `${k} ${v}`).join(", ")}`);
rmSync(workDir, { recursive: true, force: true });
line();
line(`bench took ${fmt((performance.now() - started) / 1000, 1)} s, load average now ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
