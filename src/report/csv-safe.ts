/**
 * OWASP CSV-injection guard for text cells: a cell that a spreadsheet would read as a formula
 * (starting with = + - @, tab or carriage return) is prefixed with a single quote. Numbers are never passed here.
 */
export function neutralizeText(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
