import { providerIds, type ProviderId, type UsageRecord } from "../schema.js";
import { parseUtcInstant, plainUtcInstantMs } from "../text/calendar.js";

/** Columns of an --input CSV (docs/csv-schema.md); extra columns are ignored, so a detail CSV reads back. */
export const inputColumns = ["provider", "account", "region", "instance_type", "unit", "quantity_hours", "period_start", "period_end", "estimated"] as const;
/** The columns read from a row: the required ones, and the optional cost. */
export const rowColumns = [...inputColumns, "cost", "currency"] as const;
export type InputRow = Partial<Record<(typeof rowColumns)[number], string>>;

/** `-?\d+(\.\d+)?`, by character codes. */
function isPlainDecimal(s: string): boolean {
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  const digitsFrom = i;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  if (i === digitsFrom) return false;
  if (i === s.length) return true;
  if (s.charCodeAt(i) !== 46) return false;
  const fractionFrom = ++i;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  return i > fractionFrom && i === s.length;
}

/** Three letters A-Z. */
const isCurrencyCode = (s: string): boolean => s.length === 3 && isUpper(s.charCodeAt(0)) && isUpper(s.charCodeAt(1)) && isUpper(s.charCodeAt(2));
const isUpper = (c: number): boolean => c >= 65 && c <= 90;
const maxHours = 1e7;

/** A bad cell: the caller adds the file and line, which only it knows. */
export class RowError extends Error {}

function fail(message: string): never {
  throw new RowError(message);
}

function text(row: InputRow, col: (typeof inputColumns)[number]): string {
  const v = row[col]?.trim() ?? "";
  if (v === "") fail(`${col} is empty`);
  // The decoder turns bytes that are not UTF-8 (a Latin-1 or Windows-1252 export) into U+FFFD: refuse them rather
  // than carry a mangled name into the reports, or guess an encoding.
  if (v.includes("\uFFFD")) fail(`${col} is not UTF-8 text: save the file as UTF-8 (in Excel, "CSV UTF-8")`);
  return v;
}

function instantOf(row: InputRow, col: "period_start" | "period_end"): { text: string; ms: number } {
  const v = text(row, col);
  const ms = plainUtcInstantMs(v);
  if (ms === ms) return { text: v, ms };
  const parsed = parseUtcInstant(v);
  if ("problem" in parsed) fail(`${col} "${v}" is ${parsed.problem}`);
  return { text: v, ms: parsed.ms };
}

/** Validates one CSV row into a UsageRecord; every error names the column and what was expected. */
export function toRecord(row: InputRow): UsageRecord {
  const provider = text(row, "provider").toLowerCase();
  if (!(providerIds as readonly string[]).includes(provider)) fail(`provider "${provider}" is not aws, azure or gcp`);
  const unit = text(row, "unit");
  if (unit !== "instance-hour" && unit !== "gpu-hour") fail(`unit "${unit}" is not instance-hour or gpu-hour`);
  const q = text(row, "quantity_hours");
  const quantity = isPlainDecimal(q) ? Number(q) : NaN;
  if (!Number.isFinite(quantity)) fail(`quantity_hours "${q}" is not a plain decimal number`);
  if (quantity < 0) fail(`quantity_hours ${q} is negative`);
  if (quantity > maxHours) fail(`quantity_hours ${q} is implausibly large (over ${maxHours} hours in one row)`);
  const start = instantOf(row, "period_start");
  const end = instantOf(row, "period_end");
  if (end.ms <= start.ms) fail(`period_end ${end.text} is not after period_start ${start.text}`);
  const est = text(row, "estimated").toLowerCase();
  if (est !== "true" && est !== "false") fail(`estimated "${est}" is not true or false`);
  const record: UsageRecord = {
    provider: provider as ProviderId,
    account: text(row, "account"),
    region: text(row, "region"),
    instanceType: text(row, "instance_type"),
    unit,
    quantity,
    periodStart: start.text,
    periodEnd: end.text,
    estimated: est === "true",
  };
  const cost = row.cost?.trim();
  if (cost) {
    if (!isPlainDecimal(cost)) fail(`cost "${cost}" is not a plain decimal number`);
    const currency = row.currency?.trim() ?? "";
    if (!isCurrencyCode(currency)) fail(`cost needs a three-letter currency code (currency column), got "${currency}"`);
    record.cost = Number(cost);
    record.currency = currency;
  }
  return record;
}
