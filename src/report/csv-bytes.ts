import type { Column } from "./columns.js";
import { csvCell } from "./csv.js";
import { plainDecimal } from "./numbers.js";

/**
 * The detail CSV written as bytes: the same text csvLine makes (a test compares them), without a string per cell.
 * A million rows of 53 columns are most of a run's time when made of strings: each number a toFixed string, each
 * line a join. Here a number's digits go straight into the buffer, and a text cell is encoded once per change of
 * its column's text (consecutive rows repeat most of them: the power and PUE sources, the notes).
 */

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
/** Below this, |v| × 10^digits and its rounding are exact integers; above, toFixed does it. */
const EXACT = 2 ** 52;
const PART = 1 << 16;

export class CsvBytes<T> {
  private buf = Buffer.allocUnsafe(PART * 2);
  private at = 0;
  private readonly lastText: (string | undefined)[] = [];
  private readonly lastBytes: Buffer[] = [];

  /** `out` gets each full part (about 64 KB) and the rest at `flush`; its promise (a full stream) is waited for. */
  constructor(
    private readonly columns: readonly Column<T>[],
    private readonly out: (bytes: Buffer) => void | Promise<void>,
  ) {}

  /** Text as it is (the header). */
  write(text: string): void {
    const bytes = Buffer.from(text, "utf8");
    this.room(bytes.length);
    this.buf.set(bytes, this.at);
    this.at += bytes.length;
  }

  /** One line, CRLF included; a promise while `out` waits. */
  add(row: T): void | Promise<void> {
    const { columns } = this;
    for (let c = 0; c < columns.length; c++) {
      if (c > 0) this.byte(44);
      const col = columns[c]!;
      if (col.value) {
        const v = col.value(row);
        if (v !== null) this.fixed(v, col.decimals ?? 0);
      } else this.text(c, col.cell(row));
    }
    this.byte(13);
    this.byte(10);
    if (this.at < PART) return;
    const full = this.buf.subarray(0, this.at);
    // The stream may keep the part until it is written: the next lines go to a new buffer.
    this.buf = Buffer.allocUnsafe(PART * 2);
    this.at = 0;
    return this.out(full);
  }

  flush(): void | Promise<void> {
    if (this.at === 0) return;
    const rest = this.buf.subarray(0, this.at);
    this.buf = Buffer.allocUnsafe(PART * 2);
    this.at = 0;
    return this.out(rest);
  }

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(bigger, 0, 0, this.at);
    this.buf = bigger;
  }

  private byte(b: number): void {
    this.room(1);
    this.buf[this.at++] = b;
  }

  private text(c: number, s: string): void {
    let bytes = this.lastBytes[c]!;
    if (s !== this.lastText[c]) {
      this.lastText[c] = s;
      this.lastBytes[c] = bytes = Buffer.from(csvCell(s), "utf8");
    }
    this.room(bytes.length);
    if (bytes.length > 16) {
      this.buf.set(bytes, this.at);
      this.at += bytes.length;
    } else for (let i = 0; i < bytes.length; i++) this.buf[this.at++] = bytes[i]!;
  }

  /** plainDecimal(v, digits) as bytes: rounded half away from zero on the exact value, as toFixed does. */
  private fixed(v: number, digits: number): void {
    const scale = POW10[digits]!;
    const neg = v < 0;
    const x = (neg ? -v : v) * scale;
    const n0 = Math.floor(x);
    const off = x - n0 - 0.5;
    // x carries a rounding error of at most x·2^-53: when the half lies within it, only toFixed knows the side.
    if (!(x < EXACT) || digits >= POW10.length || Math.abs(off) <= x * 2 ** -50) {
      this.ascii(plainDecimal(v, digits));
      return;
    }
    const n = off > 0 ? n0 + 1 : n0;
    this.room(40);
    if (neg && n !== 0) this.buf[this.at++] = 45;
    let whole = Math.floor(n / scale);
    let fraction = n - whole * scale;
    if (fraction < 0) {
      whole--;
      fraction += scale;
    } else if (fraction >= scale) {
      whole++;
      fraction -= scale;
    }
    this.digits(whole, 1);
    if (digits === 0) return;
    this.buf[this.at++] = 46;
    this.digits(fraction, digits);
  }

  /** The decimal digits of a whole number below 2^53, at least `width` of them (zeros in front). */
  private digits(n: number, width: number): void {
    let count = 1;
    for (let t = n; t >= 10; t = Math.floor(t / 10)) count++;
    if (count < width) count = width;
    let i = this.at + count - 1;
    for (let k = 0; k < count; k++) {
      const q = Math.floor(n / 10);
      this.buf[i--] = 48 + (n - q * 10);
      n = q;
    }
    this.at += count;
  }

  private ascii(s: string): void {
    this.room(s.length);
    for (let i = 0; i < s.length; i++) this.buf[this.at++] = s.charCodeAt(i);
  }
}
