import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/run-cli.js";

/** Runs the built CLI's main() in a fresh Node and says whether DuckDB's native library got mapped into it. */
function loadsDuckdb(args: string[], cwd: string): boolean {
  const script = `
    const { main } = await import(${JSON.stringify(join(repoRoot, "dist", "cli", "main.js"))});
    const { Writable } = await import("node:stream");
    const quiet = new Writable({ write: (_c, _e, done) => done() });
    const code = await main({ argv: ${JSON.stringify(args)}, env: {}, cwd: ${JSON.stringify(cwd)}, now: new Date("2026-11-26T08:00:00Z"),
      stdout: quiet, stderr: quiet, interrupt: new AbortController().signal });
    const { readFileSync } = await import("node:fs");
    process.stdout.write(JSON.stringify({ code, duckdb: /duckdb/i.test(readFileSync("/proc/self/maps", "utf8")) }));`;
  const out = JSON.parse(execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd, encoding: "utf8" })) as { code: number; duckdb: boolean };
  expect(out.code).toBe(0);
  return out.duckdb;
}

describe.skipIf(!existsSync("/proc/self/maps"))("DuckDB loads only on the paths that need it", () => {
  it("a demo run without ledger or Parquet does not load it; --ledger and --format parquet do", () => {
    const dir = mkdtempSync(join(tmpdir(), "ct-lazy-"));
    try {
      expect(loadsDuckdb(["7", "--demo", "--format", "csv"], dir)).toBe(false);
      expect(loadsDuckdb(["7", "--demo", "--out", "out"], dir)).toBe(false);
      expect(loadsDuckdb(["7", "--demo", "--format", "csv", "--ledger", "ledger"], dir)).toBe(true);
      expect(loadsDuckdb(["7", "--demo", "--format", "parquet", "--out", "out"], dir)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
