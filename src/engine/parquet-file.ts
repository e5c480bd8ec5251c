import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { lit, type Engine } from "./duckdb.js";

/** A temporary name beside `path` that no `*.parquet` glob matches. */
export const parquetTempName = (path: string): string =>
  join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);

/** Writes the result of `select` to a new Parquet file (zstd) at a temporary name and flushes it; returns that name. */
export async function writeParquetTemp(engine: Engine, select: string, path: string): Promise<string> {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = parquetTempName(path);
  try {
    await engine.run(`COPY (${select}) TO ${lit(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
    const fd = openSync(tmp, "r+");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    return tmp;
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** A Parquet file that readers see whole or not at all: written under a temporary name, then renamed. */
export async function writeParquetAtomic(engine: Engine, select: string, path: string): Promise<void> {
  const tmp = await writeParquetTemp(engine, select, path);
  try {
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
