/**
 * Plain decimals for files: never exponent notation, never binary noise such as 0.30000000000000004.
 * Trailing zeros are dropped so values stay compact; -0 prints as 0.
 */
export function plainDecimal(value: number, digits: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  let s = value.toFixed(digits);
  if (s.includes(".")) s = s.replace(/\.?0+$/, "");
  return s === "-0" ? "0" : s;
}

/** Human figures for the terminal: thousands separators, a fixed number of decimals. */
export function human(value: number, digits = 1): string {
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function percent(part: number, whole: number): string {
  return whole > 0 ? `${human((100 * part) / whole, 1)} %` : "-";
}

/** Terminal figures in narrow columns: whole numbers from 100 up, one decimal below (the CSV keeps full precision). */
export function compact(value: number): string {
  return human(value, Math.abs(value) >= 100 ? 0 : 1);
}
