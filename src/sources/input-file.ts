import { createReadStream } from "node:fs";
import { parse } from "csv-parse";
import { UsageError } from "../errors.js";
import { providerIds, type ProviderId, type UsageRecord } from "../schema.js";

/** Columns of an --input CSV (docs/csv-schema.md); extra columns are ignored, so a detail CSV reads back. */
export const inputColumns = ["provider", "account", "region", "instance_type", "unit", "quantity_hours", "period_start", "period_end", "estimated"] as const;

const instant = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const decimal = /^-?\d+(\.\d+)?$/;
const maxHours = 1e7;

function fail(file: string, line: number, message: string): never {
  throw new UsageError(`${file} line ${line}: ${message}`);
}

function text(file: string, line: number, row: Record<string, string>, col: string): string {
  const v = row[col]?.trim() ?? "";
  if (v === "") fail(file, line, `${col} is empty`);
  // The decoder turns bytes that are not UTF-8 (a Latin-1 or Windows-1252 export) into U+FFFD: refuse them rather
  // than carry a mangled name into the reports, or guess an encoding.
  if (v.includes("\uFFFD")) fail(file, line, `${col} is not UTF-8 text: save the file as UTF-8 (in Excel, "CSV UTF-8")`);
  return v;
}

function instantOf(file: string, line: number, row: Record<string, string>, col: string): string {
  const v = text(file, line, row, col);
  if (!instant.test(v) || Number.isNaN(Date.parse(v))) fail(file, line, `${col} "${v}" is not an ISO-8601 UTC instant such as 2026-10-01T00:00:00Z`);
  return v;
}

/** Validates one CSV row into a UsageRecord; every error names the line and the column. */
function toRecord(file: string, line: number, row: Record<string, string>): UsageRecord {
  const provider = text(file, line, row, "provider").toLowerCase();
  if (!(providerIds as readonly string[]).includes(provider)) fail(file, line, `provider "${provider}" is not aws, azure or gcp`);
  const unit = text(file, line, row, "unit");
  if (unit !== "instance-hour" && unit !== "gpu-hour") fail(file, line, `unit "${unit}" is not instance-hour or gpu-hour`);
  const q = text(file, line, row, "quantity_hours");
  const quantity = decimal.test(q) ? Number(q) : NaN;
  if (!Number.isFinite(quantity)) fail(file, line, `quantity_hours "${q}" is not a plain decimal number`);
  if (quantity < 0) fail(file, line, `quantity_hours ${q} is negative`);
  if (quantity > maxHours) fail(file, line, `quantity_hours ${q} is implausibly large (over ${maxHours} hours in one row)`);
  const periodStart = instantOf(file, line, row, "period_start");
  const periodEnd = instantOf(file, line, row, "period_end");
  if (Date.parse(periodEnd) <= Date.parse(periodStart)) fail(file, line, `period_end ${periodEnd} is not after period_start ${periodStart}`);
  const est = text(file, line, row, "estimated").toLowerCase();
  if (est !== "true" && est !== "false") fail(file, line, `estimated "${est}" is not true or false`);
  const record: UsageRecord = {
    provider: provider as ProviderId,
    account: text(file, line, row, "account"),
    region: text(file, line, row, "region"),
    instanceType: text(file, line, row, "instance_type"),
    unit,
    quantity,
    periodStart,
    periodEnd,
    estimated: est === "true",
  };
  const cost = row.cost?.trim();
  if (cost) {
    if (!decimal.test(cost)) fail(file, line, `cost "${cost}" is not a plain decimal number`);
    const currency = row.currency?.trim() ?? "";
    if (!/^[A-Z]{3}$/.test(currency)) fail(file, line, `cost needs a three-letter currency code (currency column), got "${currency}"`);
    record.cost = Number(cost);
    record.currency = currency;
  }
  return record;
}

/**
 * Reads usage rows in carbon-track's normalized schema from a CSV file, streaming, and validates every row.
 * Any bad row is a UsageError (exit 2): users bring these files, and a wrong number must not pass quietly.
 */
export async function readInputFile(file: string): Promise<UsageRecord[]> {
  const records: UsageRecord[] = [];
  const seen = new Map<string, number>();
  const input = createReadStream(file);
  const parser = parse({
    columns: (header: string[]) => {
      const names = header.map((h) => h.trim());
      const missing = inputColumns.filter((c) => !names.includes(c));
      if (missing.length) throw new UsageError(`${file}: missing column${missing.length > 1 ? "s" : ""} ${missing.join(", ")} (see docs/csv-schema.md)`);
      return names;
    },
    bom: true,
    skip_empty_lines: true,
    info: true,
  });
  // pipe() does not forward a read error (a missing file) to the parser: do it, so the loop below sees it.
  input.on("error", (err) => parser.destroy(err));
  input.pipe(parser);
  try {
    for await (const { record: row, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      const line = info.lines;
      const r = toRecord(file, line, row);
      const key = `${r.provider}\u0000${r.account}\u0000${r.region}\u0000${r.instanceType}\u0000${r.unit}\u0000${r.periodStart}`;
      const first = seen.get(key);
      if (first !== undefined) fail(file, line, `duplicates line ${first} (same provider, account, region, instance type, unit and period)`);
      seen.set(key, line);
      records.push(r);
    }
  } catch (err) {
    if (err instanceof UsageError) throw err;
    const e = err as NodeJS.ErrnoException & { code?: string };
    if (e.code === "ENOENT" || e.code === "EACCES" || e.code === "EISDIR") throw new UsageError(`--input ${file} cannot be read (${e.code}): check the path`);
    throw new UsageError(`${file}: not a valid CSV (${e.message.split("\n")[0]})`);
  }
  if (records.length === 0) throw new UsageError(`${file} has no data rows: expected a header and at least one row (see docs/csv-schema.md)`);
  return records;
}
