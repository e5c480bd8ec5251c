import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import { parse } from "csv-parse";
import { CarbonTrackError, ExitCode, UsageError } from "../errors.js";
import { regularFile } from "../io/regular-file.js";
import type { UsageRecord } from "../schema.js";
import { inputColumns, RowError, rowColumns, toRecord, type InputRow } from "./input-row.js";
import { IrregularCsv, PlainCsvReader } from "./plain-csv.js";
import { DuplicateCheck } from "./duplicate-check.js";
import { rowKey, sameRowKey } from "./row-keys.js";

/** How to read the file from its start, and a fingerprint that changes when the file does. */
interface Source {
  open: () => Readable;
  fingerprint: () => Promise<string>;
}

function readError(file: string, err: unknown): UsageError {
  if (err instanceof UsageError) return err;
  const e = err as NodeJS.ErrnoException;
  if (e.code === "ENOENT" || e.code === "EACCES" || e.code === "EISDIR") return new UsageError(`--input ${file} cannot be read (${e.code}): check the path`);
  return new UsageError(`${file}: not a valid CSV (${e.message.split("\n")[0]})`);
}

/**
 * The file is read again for each pass, so it must be a regular file; it is checked before it is opened (a FIFO
 * would block the open, a device such as /dev/zero would never end). Its size is not capped: it is streamed.
 */
function openSource(file: string): Source {
  regularFile(file, "--input", "give a CSV file (save the output of a pipe or command to a file first)");
  return {
    open: () => createReadStream(file),
    fingerprint: async () => {
      const s = await stat(file);
      return `${s.dev}:${s.ino}:${s.size}:${s.mtimeMs}`;
    },
  };
}

/**
 * A spreadsheet in a locale with a decimal comma saves "CSV" with semicolons (or a tab): the header is then one cell
 * that holds every name, and "missing columns" would send a person to check names that are all there.
 */
function separatorHint(file: string, names: readonly string[]): void {
  for (const [separator, label] of [[";", "semicolon"], ["\t", "tab"]] as const) {
    const split = names.flatMap((n) => n.split(separator).map((x) => x.trim()));
    if (split.length > names.length && inputColumns.every((c) => split.includes(c))) {
      throw new UsageError(`${file} looks ${label}-separated (\`${separator === ";" ? ";" : "\\t"}\` between the column names): save it as comma-separated CSV, with . as the decimal point (see docs/csv-schema.md)`);
    }
  }
}

/** Reads a row's cells by the header's names (the last column of a name wins); checks the required ones are there. */
function picker(file: string, header: readonly string[]): (cells: readonly string[]) => InputRow {
  const names = header.map((h) => h.trim());
  const missing = inputColumns.filter((c) => !names.includes(c));
  if (missing.length) separatorHint(file, names);
  if (missing.length) throw new UsageError(`${file}: missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (see docs/csv-schema.md)`);
  const at = Object.fromEntries(rowColumns.map((c) => [c, names.lastIndexOf(c)])) as Record<(typeof rowColumns)[number], number>;
  const optional = (i: number, cells: readonly string[]): string | undefined => (i < 0 ? undefined : cells[i]);
  // One object shape for every row: the columns read, in one order (a missing optional column is undefined).
  return (cells) => ({
    provider: cells[at.provider],
    account: cells[at.account],
    region: cells[at.region],
    instance_type: cells[at.instance_type],
    unit: cells[at.unit],
    quantity_hours: cells[at.quantity_hours],
    period_start: cells[at.period_start],
    period_end: cells[at.period_end],
    estimated: cells[at.estimated],
    cost: optional(at.cost, cells),
    currency: optional(at.currency, cells),
  });
}

/**
 * The data rows of the CSV, in order, each with the line it ends on when `lines` is asked for (0 otherwise: line
 * numbers cost an object per row, so they are read only to word an error).
 */
async function* parseRows(file: string, source: Source, lines: boolean): AsyncGenerator<{ row: InputRow; line: number }> {
  const input = source.open();
  const parser = parse({ bom: true, skip_empty_lines: true, info: lines });
  // pipe() does not forward a read error (a missing file) to the parser: do it, so the loop below sees it.
  input.on("error", (err) => parser.destroy(err));
  input.pipe(parser);
  let pick: ((cells: readonly string[]) => InputRow) | null = null;
  try {
    for await (const out of parser as AsyncIterable<string[] | { record: string[]; info: { lines: number } }>) {
      const [cells, line] = lines ? [(out as { record: string[] }).record, (out as { info: { lines: number } }).info.lines] : [out as string[], 0];
      if (pick) yield { row: pick(cells), line };
      else pick = picker(file, cells);
    }
  } catch (err) {
    throw readError(file, err);
  } finally {
    input.destroy();
  }
}

/**
 * The data rows, a part of the file at a time: each `take` hands out the rows of one part, one by one, then null.
 * They are read by the byte-level splitter (src/sources/plain-csv.ts); from the first record it does not read as
 * csv-parse would, csv-parse reads on (skipping the rows already handed out) and words any error.
 */
async function* rowParts(file: string, source: Source): AsyncGenerator<() => InputRow | null> {
  let pick: ((cells: readonly string[]) => InputRow) | null = null;
  let handed = 0;
  // `take` runs in the caller's loop, outside this generator: it notes where the splitter gave up and stops.
  let gaveUp = false;
  let reader: PlainCsvReader | null = null;
  try {
    reader = await PlainCsvReader.open(file);
    const plain = reader;
    const take = (): InputRow | null => {
      for (;;) {
        let cells: string[] | null;
        try {
          cells = gaveUp ? null : plain.next();
        } catch (err) {
          if (!(err instanceof IrregularCsv)) throw err;
          gaveUp = true;
          cells = null;
        }
        if (cells === null) return null;
        if (pick) {
          handed++;
          return pick(cells);
        }
        pick = picker(file, cells);
      }
    };
    while (!gaveUp && (await reader.fill())) yield take;
    if (!gaveUp) return;
  } catch (err) {
    throw readError(file, err);
  } finally {
    await reader?.close();
  }
  let skip = handed;
  let rows: InputRow[] = [];
  const part = (): (() => InputRow | null) => {
    let i = 0;
    const held = rows;
    rows = [];
    return () => (i < held.length ? held[i++]! : null);
  };
  for await (const { row } of parseRows(file, source, false)) {
    if (skip > 0) {
      skip--;
      continue;
    }
    rows.push(row);
    if (rows.length === 256) yield part();
  }
  yield part();
}

/** Reads the rows again with their line numbers, up to data row `index` (0-based), visiting each. */
async function visitWithLines(file: string, source: Source, index: number, visit: (row: InputRow, line: number, i: number) => void): Promise<void> {
  let i = 0;
  for await (const { row, line } of parseRows(file, source, true)) {
    visit(row, line, i);
    if (i++ === index) return;
  }
}

/** A bad row, worded with its line: the file is read again up to it, since the first pass keeps no line numbers. */
async function located(file: string, source: Source, index: number, err: unknown): Promise<unknown> {
  if (!(err instanceof RowError)) return err;
  let at = 0;
  await visitWithLines(file, source, index, (_row, line) => (at = line));
  return new UsageError(`${file} line ${at}: ${err.message}`);
}

/** When row `index` repeats the key of an earlier row (not only its hash), the error that says which. */
async function duplicateOf(file: string, source: Source, index: number, key: string[]): Promise<UsageError | null> {
  let first = 0;
  let line = 0;
  await visitWithLines(file, source, index, (row, at, i) => {
    if (i === index) line = at;
    else if (first === 0 && sameRowKey(rowKey(toRecord(row)), key)) first = at;
  });
  return first === 0
    ? null
    : new UsageError(`${file} line ${line}: duplicates line ${first} (same provider, account, region, instance type, unit and period start, however spelled)`);
}

/** Usage rows that can be read more than once, without being held. */
export interface InputRows {
  count: number;
  /** Reads and converts the rows again, in file order; fails (exit 1) if the file changed since it was checked. */
  rows: () => AsyncIterable<UsageRecord>;
}

/**
 * Reads usage rows in carbon-track's normalized schema from a CSV file, streaming, and validates every row, handing
 * each to `onRow`. Any bad row is a UsageError (exit 2): users bring these files, and a wrong number must not pass
 * quietly. Nothing is kept per row but a bit for its start hour (see DuplicateCheck), so memory does not follow the
 * file's size; `rows()` reads the file again for the next pass.
 */
export async function readInputFile(file: string, onRow: (r: UsageRecord) => void): Promise<InputRows> {
  const source = openSource(file);
  const checked = await source.fingerprint();
  const keys = new DuplicateCheck();
  let count = 0;
  for await (const take of rowParts(file, source)) {
    for (let row = take(); row !== null; row = take()) {
      let r: UsageRecord;
      try {
        r = toRecord(row);
      } catch (err) {
        throw await located(file, source, count, err);
      }
      const key = rowKey(r);
      if (!keys.add(key)) {
        const duplicate = await duplicateOf(file, source, count, key);
        if (duplicate) throw duplicate;
      }
      onRow(r);
      count++;
    }
  }
  if (count === 0) throw new UsageError(`${file} has no data rows: expected a header and at least one row (see docs/csv-schema.md)`);
  const changed = (): CarbonTrackError => new CarbonTrackError(`${file} changed while it was being read: nothing more was written; run again`, ExitCode.error);
  async function* rows(): AsyncGenerator<UsageRecord> {
    let n = 0;
    try {
      for await (const take of rowParts(file, source)) {
        for (let row = take(); row !== null; row = take()) {
          yield toRecord(row);
          n++;
        }
      }
    } catch (err) {
      if (err instanceof UsageError || err instanceof RowError) throw changed();
      throw err;
    }
    if (n !== count || (await source.fingerprint()) !== checked) throw changed();
  }
  return { count, rows };
}
