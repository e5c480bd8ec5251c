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
