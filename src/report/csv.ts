import type { Column } from "./columns.js";

/** What writing a CSV needs of a column. */
type CsvColumn<T> = Pick<Column<T>, "header" | "cell">;

// RFC 4180: a cell is quoted when it holds a quote, a comma or a line break (a lone CR or LF too, which
// spreadsheets also read as a new row), and its quotes are doubled.
const needsQuotes = /[",\r\n]/;

function cell(v: string): string {
  return needsQuotes.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/** The header line of a CSV, CRLF included. */
export function csvHeader<T>(columns: readonly CsvColumn<T>[]): string {
  let line = cell(columns[0]!.header);
  for (let c = 1; c < columns.length; c++) line += `,${cell(columns[c]!.header)}`;
  return `${line}\r\n`;
}

/**
 * One RFC 4180 line (CRLF included) from columns whose cells are already strings, so no library formats a number
 * itself. Written one line at a time, a CSV of any length never has to be held whole.
 */
export function csvLine<T>(columns: readonly CsvColumn<T>[], row: T): string {
  let line = cell(columns[0]!.cell(row));
  for (let c = 1; c < columns.length; c++) line += `,${cell(columns[c]!.cell(row))}`;
  return `${line}\r\n`;
}

/** A whole CSV: the header, then a line per row. */
export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  let out = csvHeader(columns);
  for (const row of rows) out += csvLine(columns, row);
  return out;
}
