/**
 * Strict reading of calendar dates and UTC instants. Date.parse is lenient where it must not be: it reads
 * 2026-02-30 as 2 March and T24:00 as the next midnight, so one instant gets two spellings and a typo a real date.
 */

const isLeap = (y: number): boolean => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** Days in month `m` (1-12) of year `y`. */
const monthDays = (y: number, m: number): number => (m === 2 ? (isLeap(y) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]!);

/** Why year-month-day is not a date of the calendar, or null when it is. */
export function calendarDateProblem(y: number, m: number, d: number): string | null {
  if (m < 1 || m > 12) return `month ${String(m).padStart(2, "0")} is not 01-12`;
  if (d < 1 || d > monthDays(y, m)) return `${y}-${String(m).padStart(2, "0")} has no day ${String(d).padStart(2, "0")}`;
  return null;
}

const instantShape = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/;

const digit = (t: string, i: number): number => {
  const d = t.charCodeAt(i) - 48;
  return d >= 0 && d <= 9 ? d : NaN;
};
const two = (t: string, i: number): number => 10 * digit(t, i) + digit(t, i + 1);

/**
 * Epoch ms of an instant in the one shape billing rows use, `YYYY-MM-DDTHH:MM:SSZ` with a year from 1000, read by
 * character codes (a million rows hold two each); NaN for any other text, which parseUtcInstant reads or words.
 */
export function plainUtcInstantMs(t: string): number {
  if (t.length !== 20 || t.charCodeAt(4) !== 45 || t.charCodeAt(7) !== 45 || t.charCodeAt(10) !== 84 || t.charCodeAt(13) !== 58 || t.charCodeAt(16) !== 58 || t.charCodeAt(19) !== 90) return NaN;
  const y = 100 * two(t, 0) + two(t, 2);
  const mo = two(t, 5);
  const d = two(t, 8);
  const h = two(t, 11);
  const mi = two(t, 14);
  const s = two(t, 17);
  // NaN fails every comparison, so a non-digit anywhere ends here too.
  if (!(y >= 1000 && mo >= 1 && mo <= 12 && d >= 1 && d <= monthDays(y, mo) && h <= 23 && mi <= 59 && s <= 59)) return NaN;
  // Days since 1970-01-01 of a proleptic Gregorian date, counted from 1 March so the leap day ends a year.
  const ya = mo <= 2 ? y - 1 : y;
  const era = Math.floor(ya / 400);
  const yoe = ya - era * 400;
  const doy = Math.floor((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5) + d - 1;
  const days = era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
  return ((days * 24 + h) * 60 + mi) * 60_000 + s * 1000;
}

/**
 * Epoch ms of `YYYY-MM-DDTHH:MM:SS[.sss]Z`, or why it is not one. Hours run 00-23 (no 24:00: it is the next
 * day's 00:00), minutes and seconds 00-59 (no leap second: UTC instants in billing data never hold one).
 */
export function parseUtcInstant(text: string): { ms: number } | { problem: string } {
  const m = instantShape.exec(text);
  if (!m) return { problem: "not an ISO-8601 UTC instant such as 2026-10-01T00:00:00Z" };
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const date = calendarDateProblem(y, mo, d);
  if (date) return { problem: `not a real date (${date})` };
  if (h > 23) return { problem: `not a real time (hour ${h} is not 00-23; midnight at the end of a day is the next day's T00:00:00Z)` };
  if (mi > 59) return { problem: `not a real time (minute ${mi} is not 00-59)` };
  if (s > 59) return { problem: `not a real time (second ${s} is not 00-59)` };
  // Checked field by field, the text is now one Date.parse reads exactly (Date.UTC would move years 0-99 to 19xx).
  return { ms: Date.parse(text) };
}
