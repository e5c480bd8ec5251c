import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { lit, type Engine } from "./duckdb.js";

export const parquetOptions = "FORMAT parquet, COMPRESSION zstd";
export const csvOptions = "FORMAT csv, HEADER true";

/**
 * A file written by DuckDB's COPY that readers see whole or not at all: written under a temporary name beside it
 * (which no `*.parquet` or `*.csv` glob matches), flushed, then renamed.
 */
export async function copyAtomic(engine: Engine, select: string, path: string, options: string): Promise<void> {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await engine.run(`COPY (${select}) TO ${lit(tmp)} (${options})`);
    const fd = openSync(tmp, "r+");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
