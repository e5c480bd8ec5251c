import type { Column, FieldType } from "../report/columns.js";
import { lit } from "./duckdb.js";

/** The SQL type of each field type: what Parquet files and the ledger carry. */
export const sqlTypes: Record<FieldType, string> = {
  string: "VARCHAR",
  number: "DOUBLE",
  integer: "BIGINT",
  boolean: "BOOLEAN",
  datetime: "TIMESTAMPTZ",
};

/**
 * A read of one of our own CSV files with every column's type given, nothing guessed: ids stay text whatever
 * they look like, and an empty cell is NULL.
 */
export function readTypedCsv(path: string, columns: readonly Pick<Column<never>, "header" | "type">[]): string {
  const spec = columns.map((c) => `${lit(c.header)}: ${lit(sqlTypes[c.type])}`).join(", ");
  return `read_csv(${lit(path)}, header = true, auto_detect = false, delim = ',', quote = '"', escape = '"', nullstr = '', columns = {${spec}})`;
}
