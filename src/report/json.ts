import type { ReportData } from "./model.js";

/** One JSON document with everything the tables show (ARCHITECTURE.md); later features add keys, never rename. */
export function renderJson(r: ReportData, extra: Record<string, unknown>): string {
  const { schemaVersion, period, options, records, summary, warnings, failures, provenance, suggestions, budget } = r;
  return `${JSON.stringify({ schemaVersion, period, options, records, summary, provenance, warnings, failures, suggestions, budget, ...extra }, null, 2)}\n`;
}
