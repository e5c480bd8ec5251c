import { open, type FileHandle } from "node:fs/promises";

/**
 * A byte-level CSV splitter for the files --input reads, several times faster than csv-parse on them: it reads
 * only what it is sure csv-parse (with `bom`, `skip_empty_lines`) reads the same way, and gives up on anything else
 * by throwing `IrregularCsv`; the caller then reads the rest with csv-parse, which words any error as before. A
 * test compares the two on random hostile files.
 *
 * Read the same way: records ending in LF, or in CRLF throughout; a UTF-8 BOM at the start; empty lines skipped;
 * quoted cells (doubled quotes, commas and line breaks inside); every record as wide as the first. Given up on: a
 * CR anywhere else, line endings that change, a quote inside an unquoted cell or after a closing quote, a quote
 * left open at the end, a record of another width.
 */
export class IrregularCsv extends Error {}

const LF = 10;
const CR = 13;
const QUOTE = 34;
const COMMA = 44;

const irregular = (): never => {
  throw new IrregularCsv("not a plain CSV");
};

/** Cells of one line that holds no quote and no CR: decoded once, split on commas. */
function plainCells(line: string): string[] {
  const cells: string[] = [];
  let at = 0;
  for (;;) {
    const comma = line.indexOf(",", at);
    if (comma < 0) break;
    cells.push(line.slice(at, comma));
    at = comma + 1;
  }
  cells.push(line.slice(at));
  return cells;
}

/**
 * A record that holds quotes, from byte `p`; each cell decoded on its own, as csv-parse does. Returns the cells and
 * where the next record starts, or null when the record runs past `end` and more of the file is needed.
 */
function quotedRecord(buf: Buffer, p: number, end: number, atEof: boolean, crlf: boolean): { cells: string[]; next: number } | null {
  const cells: string[] = [];
  for (;;) {
    let close: number;
    if (p < end && buf[p] === QUOTE) {
      let text = "";
      let from = p + 1;
      let q = from;
      for (;;) {
        q = buf.indexOf(QUOTE, q);
        if (q < 0 || q >= end) return atEof ? irregular() : null;
        if (q + 1 < end && buf[q + 1] === QUOTE) {
          text += buf.toString("utf8", from, q + 1);
          from = q += 2;
          continue;
        }
        break;
      }
      text += buf.toString("utf8", from, q);
      // A CR inside quotes is read only as part of a CRLF in a file whose lines end in CRLF.
      if (text.includes("\r") && (!crlf || /\r(?!\n)/.test(text))) irregular();
      cells.push(text);
      close = q + 1;
    } else {
      let q = p;
      while (q < end && buf[q] !== COMMA && buf[q] !== LF && buf[q] !== CR) {
        if (buf[q] === QUOTE) irregular();
        q++;
      }
      cells.push(buf.toString("utf8", p, q));
      close = q;
    }
    if (close >= end) return atEof ? { cells, next: end } : null;
    const c = buf[close];
    if (c === COMMA) p = close + 1;
    else if (c === LF && !crlf) return { cells, next: close + 1 };
    else if (c === CR && crlf && close + 1 < end && buf[close + 1] === LF) return { cells, next: close + 2 };
    else return irregular();
  }
}

/**
 * The records of a file (the header first), one at a time: `fill` reads the next part of the file, `next` hands out
 * the records in what was read. Nothing is held but the part being read, so each record dies young. `next` throws
 * IrregularCsv at the first record it cannot read as csv-parse would; the records before it are exact.
 */
export class PlainCsvReader {
  private buf: Buffer;
  private have = 0;
  private p = 0;
  private end = 0;
  private atStart = true;
  private atEof = false;
  private crlf: boolean | null = null;
  private width = -1;
  private nextQuote = -1;
  private nextCr = -1;

  private constructor(
    private readonly fh: FileHandle,
    partBytes: number,
  ) {
    this.buf = Buffer.allocUnsafe(partBytes);
  }

  /** `partBytes`: how much is read at a time (it grows for a longer record); tests make it small. */
  static async open(file: string, partBytes = 1 << 20): Promise<PlainCsvReader> {
    return new PlainCsvReader(await open(file, "r"), partBytes);
  }

  close(): Promise<void> {
    return this.fh.close();
  }

  /** Reads more of the file after what `next` handed out; false once the whole file was read. */
  async fill(): Promise<boolean> {
    if (this.atEof) return false;
    let { buf } = this;
    const kept = Math.max(0, this.have - this.p);
    if (kept > 0) buf.copy(buf, 0, this.p, this.have);
    this.have = kept;
    this.p = 0;
    if (this.have === buf.length) {
      const bigger = Buffer.allocUnsafe(buf.length * 2);
      buf.copy(bigger, 0, 0, this.have);
      this.buf = buf = bigger;
    }
    const { bytesRead } = await this.fh.read(buf, this.have, buf.length - this.have, null);
    this.have += bytesRead;
    this.atEof = bytesRead === 0;
    if (this.atStart) {
      if (this.have < 3 && !this.atEof) return true;
      if (this.have >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) this.p = 3;
      this.atStart = false;
    }
    // Whole lines only, until the end of the file: the rest waits for the next read.
    this.end = this.atEof ? this.have : buf.lastIndexOf(LF, this.have - 1) + 1;
    this.nextQuote = buf.indexOf(QUOTE, this.p);
    this.nextCr = buf.indexOf(CR, this.p);
    return true;
  }

  /** The next record in what was read, or null when the file must be read further. */
  next(): string[] | null {
    const { buf, end } = this;
    if (this.atStart) return null;
    for (;;) {
      const p = this.p;
      if (p >= end) return null;
      let nl = buf.indexOf(LF, p);
      if (nl < 0 || nl >= end) nl = end;
      if (this.nextCr >= 0 && this.nextCr < p) this.nextCr = buf.indexOf(CR, p);
      if (this.nextCr >= end) this.nextCr = -1;
      let lineEnd = nl;
      if (this.nextCr >= 0 && this.nextCr < nl) {
        // A CR is read only as the first half of a CRLF line ending, in a file whose lines all end so.
        if (this.nextCr !== nl - 1) irregular();
        lineEnd = nl - 1;
      }
      if (nl < end) {
        const ending = lineEnd < nl;
        if (this.crlf === null) this.crlf = ending;
        else if (this.crlf !== ending) irregular();
      } else if (lineEnd < nl || this.nextCr >= 0) irregular();
      if (this.nextQuote >= 0 && this.nextQuote < p) this.nextQuote = buf.indexOf(QUOTE, p);
      if (this.nextQuote >= end) this.nextQuote = -1;
      let cells: string[];
      if (this.nextQuote >= 0 && this.nextQuote < nl) {
        const got = quotedRecord(buf, p, end, this.atEof, this.crlf ?? false);
        if (!got) {
          // The record goes on past what was read: it is read again, whole, after the next fill.
          this.end = p;
          return null;
        }
        cells = got.cells;
        this.p = got.next;
      } else {
        this.p = nl + 1;
        // skip_empty_lines
        if (lineEnd === p) continue;
        cells = plainCells(buf.toString("utf8", p, lineEnd));
      }
      if (this.width < 0) this.width = cells.length;
      else if (cells.length !== this.width) irregular();
      return cells;
    }
  }
}
