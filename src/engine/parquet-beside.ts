import type { Column } from "../report/columns.js";
import type { Engine } from "./duckdb.js";
import { copyAtomic, parquetOptions } from "./copy-file.js";
import { readTypedCsv } from "./typed-csv.js";

/**
 * --format parquet: a Parquet twin of each finished CSV, same name with .parquet, with the documented types
 * (DOUBLE, BIGINT, BOOLEAN, TIMESTAMP WITH TIME ZONE, VARCHAR). DuckDB reads the CSV itself, column types given,
 * so no row passes through JS a second time. Returns the paths written.
 */
export async function writeParquetBeside(engine: Engine, files: readonly { csv: string; columns: readonly Column<never>[] }[]): Promise<string[]> {
  const written: string[] = [];
  for (const f of files) {
    const path = f.csv.replace(/\.csv$/, ".parquet");
    await copyAtomic(engine, `SELECT * FROM ${readTypedCsv(f.csv, f.columns)}`, path, parquetOptions);
    written.push(path);
  }
  return written;
}
