import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { baselineBin, BASELINE_COMMIT } from "./baseline.js";
import { interleavedTimes } from "./cold-start.js";
import { median, runNode, runWithPeak } from "./child.js";
import { endToEnd } from "./end-to-end.js";
import { writeInputCsv } from "./input-file.js";
import { binPath, repoRoot, workDir } from "./paths.js";

/**
 * The goals of issue 22, each measured side by side in this run and printed with its ratio and verdict: --input
 * throughput against the baseline build and DuckDB, peak RSS from 1M to 5M rows, the end-to-end overlap and WattTime
 * requests at 200 ms per request, and cold start. Every timed figure is min / median / max of `runs` runs.
 */
const MB = 1024 * 1024;
const fmt = (n: number, digits = 0): string => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const line = (s = ""): void => void process.stdout.write(`${s}\n`);
const verdict = (ok: boolean): string => (ok ? "meets" : "MISSES");
const spread = (xs: number[], digits = 0, unit = ""): string => {
  const s = [...xs].sort((a, b) => a - b);
  return `${fmt(s[0]!, digits)} / ${fmt(median(s), digits)} / ${fmt(s.at(-1)!, digits)}${unit}`;
};

const inputArgs = (file: string): string[] => ["--input", file, "--intensity", "static", "--format", "csv", "--quiet"];

/** Wall time from spawn to exit, and the CPU time the process used (the fairer figure on a shared machine). */
async function timeRun(script: string, args: string[]): Promise<{ wallMs: number; cpuMs: number }> {
  const r = await runWithPeak(script, args, { env: { NO_COLOR: "1" }, stdoutToNull: true });
  if (r.code !== 0) throw new Error(`${script} ${args.join(" ")} exited ${r.code}: ${r.stderr.slice(0, 400)}`);
  return { wallMs: r.wallMs, cpuMs: r.peak.cpuMs };
}

function duckdbPresent(): boolean {
  try {
    createRequire(`${repoRoot}package.json`).resolve("@duckdb/node-api");
    return true;
  } catch {
    return false;
  }
}

async function inputThroughput(rows: number, runs: number): Promise<void> {
  const file = join(workDir, `usage-${rows}.csv`);
  await writeInputCsv(rows, file);
  const baseline = baselineBin();
  const duck = duckdbPresent() ? new URL("./duckdb-scan.js", import.meta.url).pathname : null;
  const now: { wallMs: number; cpuMs: number }[] = [];
  const before: typeof now = [];
  const duckMs: typeof now = [];
  // Interleaved, so that load from elsewhere on the machine falls on all three alike.
  for (let i = 0; i < runs; i++) {
    now.push(await timeRun(binPath, inputArgs(file)));
    if (baseline) before.push(await timeRun(baseline, inputArgs(file)));
    if (duck) duckMs.push(await timeRun(duck, [file]));
  }
  const wall = (xs: typeof now): number[] => xs.map((x) => x.wallMs);
  const cpu = (xs: typeof now): number[] => xs.map((x) => x.cpuMs);
  const rate = (ms: number[]): number[] => ms.map((m) => rows / (m / 1000));
  line(`A. --input ${fmt(rows)} rows --format csv to /dev/null, whole process, rows/s by wall time and by CPU time (min / median / max of ${runs}):`);
  line(`   this build        wall ${spread(rate(wall(now)))}   CPU ${spread(rate(cpu(now)))}`);
  if (baseline) {
    const byWall = median(wall(before)) / median(wall(now));
    const byCpu = median(cpu(before)) / median(cpu(now));
    line(`   ${BASELINE_COMMIT} (before)  wall ${spread(rate(wall(before)))}   CPU ${spread(rate(cpu(before)))}`);
    line(`   this ÷ before, by the medians: wall ${fmt(byWall, 2)}x (pairs ${now.map((m, i) => fmt(before[i]!.wallMs / m.wallMs, 2)).join(", ")}), CPU ${fmt(byCpu, 2)}x (pairs ${now.map((m, i) => fmt(before[i]!.cpuMs / m.cpuMs, 2)).join(", ")})   (target >= 5x: ${verdict(byWall >= 5)} by wall, ${verdict(byCpu >= 5)} by CPU)`);
  } else line(`   the ${BASELINE_COMMIT} build cannot be made here (no git history): no ratio`);
  if (duck) {
    const byWall = median(wall(now)) / median(wall(duckMs));
    const byCpu = median(cpu(now)) / median(cpu(duckMs));
    line(`   DuckDB scan + group-by of the same file (a whole process, its default threads): wall ${spread(wall(duckMs), 0, " ms")}, CPU ${spread(cpu(duckMs), 0, " ms")}`);
    line(`   this ÷ DuckDB: wall ${fmt(byWall, 2)}x, CPU ${fmt(byCpu, 2)}x   (target <= 3x: ${verdict(byWall <= 3)} by wall, ${verdict(byCpu <= 3)} by CPU)`);
  } else line("   DuckDB (@duckdb/node-api) is not installed: no comparison");
  rmSync(file, { force: true });
}

async function peakRss(): Promise<void> {
  const peaks: number[] = [];
  for (const rows of [1_000_000, 5_000_000]) {
    const file = join(workDir, `usage-${rows}.csv`);
    await writeInputCsv(rows, file);
    const r = await runWithPeak(binPath, inputArgs(file), { env: { NO_COLOR: "1" }, stdoutToNull: true });
    rmSync(file, { force: true });
    if (r.code !== 0) throw new Error(`--input ${rows} exited ${r.code}: ${r.stderr.slice(0, 400)}`);
    peaks.push(r.peak.maxRssBytes);
    line(`B. --input ${fmt(rows)} rows --format csv: peak RSS ${fmt(r.peak.maxRssBytes / MB)} MB, peak heapUsed ${fmt(r.peak.maxHeapUsedBytes / MB)} MB, ${fmt(rows / (r.wallMs / 1000))} rows/s`);
  }
  const growth = peaks[1]! / peaks[0]! - 1;
  line(`   5M ÷ 1M peak RSS = +${fmt(growth * 100, 1)} %   (target <= +25 %: ${verdict(growth <= 0.25)})`);
}

async function overlap(runs: number): Promise<void> {
  const { startFakes } = await import("./fakes.js");
  const delayMs = 200;
  // 4 groups a page: the fixture's 19 groups and 31 days come in 5 or more Cost Explorer pages.
  const fakes = await startFakes(delayMs, { awsPageSize: 4 });
  try {
    const e2e = await endToEnd(fakes, runs);
    const pages = e2e.cold.paths.aws!.length - (e2e.cold.reported.aws?.GetDimensionValues ?? 0);
    const ratio = e2e.allMs / e2e.singleMs[e2e.longestSingle];
    line(`C. end to end, carbon-track 30, every provider + WattTime, ${delayMs} ms per request, cold cache (median of ${runs}):`);
    line(`   Cost Explorer pages ${pages}; aws ${fmt(e2e.singleMs.aws)} ms, azure ${fmt(e2e.singleMs.azure)} ms, gcp ${fmt(e2e.singleMs.gcp)} ms (each + WattTime); all ${fmt(e2e.allMs)} ms`);
    line(`   all ÷ longest single (${e2e.longestSingle}) = ${fmt(ratio, 2)}x   (target <= 1.2x: ${verdict(ratio <= 1.2)})`);
    const historical = (run: typeof e2e.cold): string[] => run.paths.watttime!.filter((p) => p.startsWith("/v3/historical"));
    const zones = new Set(historical(e2e.cold).map((p) => new URL(p, "http://x").searchParams.get("region")));
    const expected = zones.size * Math.ceil(30 / 32);
    const cold = historical(e2e.cold).length;
    const warm = e2e.warm.paths.watttime!.length;
    line(`   WattTime cold: ${Object.entries(e2e.cold.reported.intensity ?? {}).map(([k, v]) => `${k} ${v}`).join(", ")}; historical ${cold} for ${zones.size} zones × ⌈30/32⌉ = ${expected}   (target exactly: ${verdict(cold === expected)})`);
    line(`   WattTime warm: ${warm} requests   (target 0: ${verdict(warm === 0)})`);
  } finally {
    await fakes.close();
  }
}

async function coldStartRound2(runs: number): Promise<void> {
  const out = mkdtempSync(join(tmpdir(), "ct-bench-demo-"));
  const times = await interleavedTimes({ node: ["-e", "0"], version: [binPath, "--version"], demo: [binPath, "--demo", "--out", out, "--quiet"] }, runs);
  rmSync(out, { recursive: true, force: true });
  const node = median(times.node);
  line(`D. cold start, ms (min / median / max of ${runs}, interleaved): node -e 0 ${spread(times.node)}`);
  for (const [name, target] of [["version", 1.1], ["demo", 2.5]] as const) {
    const ratio = median(times[name]) / node;
    line(`   ${name === "version" ? "--version" : "--demo (table + files)"} ${spread(times[name])} = ${fmt(ratio, 2)}x   (target <= ${target}x: ${verdict(ratio <= target)})`);
  }
}

export async function round2(opts: { runs: number; rows: number }): Promise<void> {
  line("Issue 22 goals (each ratio measured side by side in this run):");
  await coldStartRound2(15);
  await inputThroughput(opts.rows, opts.runs);
  await peakRss();
  await overlap(Math.max(2, Math.min(opts.runs, 3)));
  line();
}
