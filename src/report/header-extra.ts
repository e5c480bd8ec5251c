import type { ReportData } from "./model.js";
import { human } from "./numbers.js";

/** "CO2e +12.4 % vs the 7 days before (…)", when a ledger held the previous period. */
export function comparisonText(r: ReportData): string | null {
  const c = r.comparison;
  if (!c) return null;
  const change = c.changePercent === null ? "new" : `${c.changePercent >= 0 ? "+" : ""}${human(c.changePercent, 1)} %`;
  return `CO2e ${change} vs the ${c.previous.days} days before (${c.previous.since} to ${c.previous.until}: ${human(c.previousCo2eKg)} kg)`;
}

/** The header names what failed: a partial report must not pass for a whole one. */
export function partialText(r: ReportData): string | null {
  return r.failures.length === 0 ? null : `Partial: ${r.failures.length} failed (${r.failures.join("; ")})`;
}
