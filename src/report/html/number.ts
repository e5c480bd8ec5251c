import { human, plainDecimal } from "../numbers.js";

/**
 * A figure as people read it (1,234.5), with the exact value the CSVs hold (1234.567890, same decimals) in the
 * element's value attribute, for scripts and tests that check the page against the files.
 */
export function figure(value: number, digits = 1, csvDigits = 6): string {
  return `<data value="${plainDecimal(value, csvDigits)}">${human(value, digits)}</data>`;
}
