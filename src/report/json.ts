import type { CarbonRecord } from "../schema.js";
import type { ReportData } from "./model.js";

/**
 * One JSON document with everything the tables show (ARCHITECTURE.md); later features add keys, never rename.
 * Written in three parts so that `records` can be streamed one record at a time: the text is exactly what
 * `JSON.stringify(document, null, 2)` gives for the whole document.
 */

/**
 * JSON.stringify escapes C0 controls but writes DEL and the C1 controls raw, and a terminal may act on those when a
 * person pipes the document to it: they are written as \u escapes, which every JSON reader decodes the same way.
 */
const stringify = (value: unknown): string =>
  JSON.stringify(value, null, 2).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** A value as JSON.stringify(…, null, 2) writes it `depth` levels down. */
const nested = (value: unknown, depth: number): string => stringify(value).replaceAll("\n", `\n${"  ".repeat(depth)}`);

const members = (entries: [string, unknown][]): string =>
  entries
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `  ${stringify(k)}: ${nested(v, 1)}`)
    .join(",\n");

export type JsonHead = Pick<ReportData, "schemaVersion" | "period" | "options">;
export type JsonTail = Pick<ReportData, "summary" | "provenance" | "warnings" | "failures" | "suggestions" | "budget" | "attribution" | "groupBudgets">;

/**
 * A record's figures with the decimals its CSV column has (docs/csv-schema.md), so the two formats agree and the JSON
 * carries no binary noise such as 0.5571699999999999; a power status the estimator left unset is "ok", as in the CSV.
 */
const recordDecimals: Partial<Record<keyof CarbonRecord, number>> = {
  quantity: 6,
  cost: 4,
  gpuCount: 4,
  gpuUtilization: 3,
  powerWatts: 1,
  powerLowWatts: 1,
  powerHighWatts: 1,
  energyKwh: 6,
  pue: 3,
  facilityEnergyKwh: 6,
  facilityEnergyLowKwh: 6,
  facilityEnergyHighKwh: 6,
  intensityKgPerKwh: 6,
  co2eKg: 6,
  co2eLowKg: 6,
  co2eHighKg: 6,
  embodiedKg: 6,
  embodiedLowKg: 6,
  embodiedHighKg: 6,
  locationKgPerKwh: 6,
  co2eLocationKg: 6,
  co2eLocationLowKg: 6,
  co2eLocationHighKg: 6,
  marginalKgPerKwh: 6,
  co2MarginalKg: 6,
  co2MarginalLowKg: 6,
  co2MarginalHighKg: 6,
};

/** Rounded to `digits` decimals; -0 becomes 0. */
const round = (value: number, digits: number): number => Number(value.toFixed(digits)) + 0;

export function roundedRecord(record: CarbonRecord): CarbonRecord {
  const out: Record<string, unknown> = { ...record, powerStatus: record.powerStatus ?? "ok" };
  for (const [key, digits] of Object.entries(recordDecimals)) {
    const v = out[key];
    if (typeof v === "number" && Number.isFinite(v)) out[key] = round(v, digits!);
  }
  return out as unknown as CarbonRecord;
}

/** Figures after the records (totals, suggestions, provenance) at the CSV files' six decimals. */
export const roundFigures = (value: unknown): unknown =>
  JSON.parse(JSON.stringify(value, (_key, v: unknown) => (typeof v === "number" && Number.isFinite(v) && !Number.isInteger(v) ? round(v, 6) : v)));

/** Everything up to the first record. */
export function jsonHead(r: JsonHead): string {
  const { schemaVersion, period, options } = r;
  return `{\n${members(Object.entries({ schemaVersion, period, options }))},\n  "records": [`;
}

/** One record of the `records` array; `index` 0 for the first. */
export function jsonRecord(record: CarbonRecord, index: number): string {
  return `${index === 0 ? "" : ","}\n    ${nested(roundedRecord(record), 2)}`;
}

/** Everything after the last record. */
export function jsonTail(r: JsonTail, records: number, extra: Record<string, unknown>): string {
  const { summary, provenance, warnings, failures, suggestions, budget } = r;
  const figures = roundFigures({ summary, provenance, suggestions, budget }) as Pick<JsonTail, "summary" | "provenance" | "suggestions" | "budget">;
  // --group-by adds two keys after the budget; without it the document is as before.
  const grouped = r.attribution ? { attribution: roundFigures(r.attribution), groupBudgets: roundFigures(r.groupBudgets ?? []) } : {};
  const tail = { summary: figures.summary, provenance: figures.provenance, warnings, failures, suggestions: figures.suggestions, budget: figures.budget, ...grouped, ...extra };
  return `${records === 0 ? "" : "\n  "}],\n${members(Object.entries(tail))}\n}\n`;
}
