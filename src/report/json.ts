import type { CarbonRecord } from "../schema.js";
import type { ReportData } from "./model.js";

/**
 * One JSON document with everything the tables show (ARCHITECTURE.md); later features add keys, never rename.
 * Written in three parts so that `records` can be streamed one record at a time: the text is exactly what
 * `JSON.stringify(document, null, 2)` gives for the whole document.
 */

/** A value as JSON.stringify(…, null, 2) writes it `depth` levels down. */
const nested = (value: unknown, depth: number): string => JSON.stringify(value, null, 2).replaceAll("\n", `\n${"  ".repeat(depth)}`);

const members = (entries: [string, unknown][]): string =>
  entries
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `  ${JSON.stringify(k)}: ${nested(v, 1)}`)
    .join(",\n");

export type JsonHead = Pick<ReportData, "schemaVersion" | "period" | "options">;
export type JsonTail = Pick<ReportData, "summary" | "provenance" | "warnings" | "failures" | "suggestions" | "budget">;

/** Everything up to the first record. */
export function jsonHead(r: JsonHead): string {
  const { schemaVersion, period, options } = r;
  return `{\n${members(Object.entries({ schemaVersion, period, options }))},\n  "records": [`;
}

/** One record of the `records` array; `index` 0 for the first. */
export function jsonRecord(record: CarbonRecord, index: number): string {
  return `${index === 0 ? "" : ","}\n    ${nested(record, 2)}`;
}

/** Everything after the last record. */
export function jsonTail(r: JsonTail, records: number, extra: Record<string, unknown>): string {
  const { summary, provenance, warnings, failures, suggestions, budget } = r;
  return `${records === 0 ? "" : "\n  "}],\n${members(Object.entries({ summary, provenance, warnings, failures, suggestions, budget, ...extra }))}\n}\n`;
}
