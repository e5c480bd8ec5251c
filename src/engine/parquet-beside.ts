import { closeSync, fsyncSync, openSync } from "node:fs";
import type { Column } from "../report/columns.js";
import { parquetOptions } from "./copy-file.js";
import { lit, type Engine } from "./duckdb.js";
import { readTypedCsv } from "./typed-csv.js";

/**
 * --format parquet: a Parquet twin of each finished CSV, with the documented types (DOUBLE, BIGINT, BOOLEAN,
 * TIMESTAMP WITH TIME ZONE, VARCHAR). DuckDB reads the CSV itself, column types given, so no row passes through JS
 * a second time. Both paths are the caller's temporaries: the twins are put in place with the CSVs, as one set.
 */
export async function writeParquetTwins(engine: Engine, files: readonly { csv: string; parquet: string; columns: readonly Column<never>[] }[]): Promise<void> {
  for (const f of files) {
    await engine.run(`COPY (SELECT * FROM ${readTypedCsv(f.csv, f.columns)}) TO ${lit(f.parquet)} (${parquetOptions})`);
    const fd = openSync(f.parquet, "r+");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
}
