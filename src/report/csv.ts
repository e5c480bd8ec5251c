import type { Column } from "./columns.js";

/** What writing a CSV needs of a column. */
type CsvColumn<T> = Pick<Column<T>, "header" | "cell">;

// RFC 4180: a cell is quoted when it holds a quote, a comma or a line break (a lone CR or LF too, which
// spreadsheets also read as a new row), and its quotes are doubled.
function needsQuotes(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c === 34 || c === 44 || c === 13 || c === 10) return true;
  }
  return false;
}

/** A cell as RFC 4180 writes it. */
export function csvCell(v: string): string {
  return needsQuotes(v) ? `"${v.replaceAll('"', '""')}"` : v;
}

/**
 * The last cell text of each column and its CSV form: a detail row repeats most of its text (the power and PUE
 * sources, the notes) from the row before, and those are long, so each is checked for quoting once per change.
 */
const lastCells = new WeakMap<readonly unknown[], { text: string[]; csv: string[] }>();

/** The header line of a CSV, CRLF included. */
export function csvHeader<T>(columns: readonly CsvColumn<T>[]): string {
  let line = csvCell(columns[0]!.header);
  for (let c = 1; c < columns.length; c++) line += `,${csvCell(columns[c]!.header)}`;
  return `${line}\r\n`;
}

/**
 * One RFC 4180 line (CRLF included) from columns whose cells are already strings, so no library formats a number
 * itself. Written one line at a time, a CSV of any length never has to be held whole.
 */
export function csvLine<T>(columns: readonly CsvColumn<T>[], row: T): string {
  let last = lastCells.get(columns);
  if (!last) lastCells.set(columns, (last = { text: [], csv: [] }));
  const { text, csv } = last;
  for (let c = 0; c < columns.length; c++) {
    const v = columns[c]!.cell(row);
    if (v !== text[c]) {
      text[c] = v;
      csv[c] = csvCell(v);
    }
  }
  // One join makes one flat string; adding cell by cell would make a chain of small ones for the collector.
  return `${csv.join(",")}\r\n`;
}

/** A whole CSV: the header, then a line per row. */
export function toCsv<T>(columns: readonly CsvColumn<T>[], rows: readonly T[]): string {
  let out = csvHeader(columns);
  for (const row of rows) out += csvLine(columns, row);
  return out;
}
