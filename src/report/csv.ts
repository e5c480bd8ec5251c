import { stringify } from "csv-stringify/sync";
import type { Column } from "./columns.js";

/**
 * RFC 4180 CSV (CRLF line ends, quotes where needed) from columns whose cells are already strings,
 * so the library never formats a number itself.
 */
export function toCsv<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const body: string[][] = new Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const cells: string[] = new Array(columns.length);
    for (let c = 0; c < columns.length; c++) cells[c] = columns[c]!.cell(row);
    body[i] = cells;
  }
  return stringify([columns.map((c) => c.header), ...body], { record_delimiter: "windows" });
}
