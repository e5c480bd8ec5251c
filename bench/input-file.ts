import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { binPath, workDir } from "./paths.js";
import { runWithPeak } from "./child.js";
import { csvHeader, csvLine, generateUsage } from "./usage-rows.js";
import type { UsageRecord } from "../src/schema.js";

export interface InputRun {
  rows: number;
  format: "csv" | "table";
  wallMs: number;
  rowsPerSecond: number;
  maxRssBytes: number;
  maxHeapUsedBytes: number;
}

/** Writes an --input CSV of `rows` generated rows (backpressure respected, so the writer holds little). */
export async function writeInputCsv(rows: number, file: string): Promise<void> {
  mkdirSync(workDir, { recursive: true });
  const out = createWriteStream(file);
  let chunk: string[] = [csvHeader];
  const flush = async (): Promise<void> => {
    if (!out.write(`${chunk.join("\n")}\n`)) await once(out, "drain");
    chunk = [];
  };
  const pending: UsageRecord[] = [];
  generateUsage(rows, "2026-10-01", (r) => pending.push(r));
  for (const r of pending) {
    chunk.push(csvLine(r));
    if (chunk.length >= 10_000) await flush();
  }
  await flush();
  out.end();
  await once(out, "finish");
}

/**
 * `carbon-track --input <file> --format <format>` as a user runs it (static intensity: no credentials), data to
 * /dev/null, files to a scratch --out; wall time from spawn to exit and the process's peak memory.
 */
export async function runInput(rows: number, format: "csv" | "table"): Promise<InputRun> {
  const file = join(workDir, `usage-${rows}.csv`);
  await writeInputCsv(rows, file);
  const out = join(workDir, `out-${rows}`);
  // --intensity static: annual figures for both signals, as a run without credentials had before the location-based
  // sources; a throughput figure must not include (or depend on) requests to the grid services.
  const r = await runWithPeak(binPath, ["--input", file, "--intensity", "static", "--format", format, "--out", out, "--stamp", "none", "--quiet"], {
    env: { NO_COLOR: "1" },
    stdoutToNull: true,
  });
  rmSync(out, { recursive: true, force: true });
  rmSync(file, { force: true });
  if (r.code !== 0) throw new Error(`--input ${rows} rows exited ${r.code}: ${r.stderr.slice(0, 500)}`);
  return { rows, format, wallMs: r.wallMs, rowsPerSecond: rows / (r.wallMs / 1000), maxRssBytes: r.peak.maxRssBytes, maxHeapUsedBytes: r.peak.maxHeapUsedBytes };
}
