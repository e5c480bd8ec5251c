import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Peak } from "./peak-memory.js";

export interface ChildResult {
  code: number | null;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Runs `node <args>` with exactly `env` (plus PATH) and times it from spawn to exit. */
export function runNode(args: string[], opts: { env?: Record<string, string>; stdoutToNull?: boolean } = {}): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? "/tmp", ...opts.env },
      stdio: ["ignore", opts.stdoutToNull ? "ignore" : "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr, wallMs: performance.now() - started }));
  });
}

/** Runs a script under peak-memory.js and returns its result with its peak memory. */
export async function runWithPeak(script: string, args: string[], opts: { env?: Record<string, string>; stdoutToNull?: boolean } = {}) {
  const file = join(mkdtempSync(join(tmpdir(), "ct-bench-peak-")), "peak.json");
  const wrapper = new URL("./peak-memory.js", import.meta.url).pathname;
  const result = await runNode([wrapper, script, ...args], { ...opts, env: { ...opts.env, BENCH_PEAK_FILE: file } });
  const peak = JSON.parse(readFileSync(file, "utf8")) as Peak;
  return { ...result, peak };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
