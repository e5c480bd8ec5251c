/**
 * Plain decimals for files: never exponent notation, never binary noise such as 0.30000000000000004. Always
 * `digits` decimals (24.000000, not 24), so a reader that guesses a column's type from its first rows sees a
 * decimal column from the first row on; a negative zero prints unsigned.
 */
export function plainDecimal(value: number, digits: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  const s = value.toFixed(digits);
  return s.charCodeAt(0) === 45 && isZero(s, 1) ? s.slice(1) : s;
}

/** Whether `s` from `from` on is only zeros and a decimal point (no regex: this runs for every number of a detail CSV). */
function isZero(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c !== 48 && c !== 46) return false;
  }
  return true;
}

/** Human figures for the terminal: thousands separators, a fixed number of decimals. */
export function human(value: number, digits = 1): string {
  return humanFormat(digits).format(value);
}

// toLocaleString builds a formatter on every call; a report prints thousands of figures with a few digit counts.
const formats = new Map<number, Intl.NumberFormat>();
function humanFormat(digits: number): Intl.NumberFormat {
  let f = formats.get(digits);
  if (!f) formats.set(digits, (f = new Intl.NumberFormat("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits })));
  return f;
}

export function percent(part: number, whole: number): string {
  return whole > 0 ? `${human((100 * part) / whole, 1)} %` : "-";
}

/** Terminal figures in narrow columns: whole numbers from 100 up, one decimal below (the CSV keeps full precision). */
export function compact(value: number): string {
  return human(value, Math.abs(value) >= 100 ? 0 : 1);
}
