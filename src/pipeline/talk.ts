import type { CliOptions } from "../cli/options.js";
import { rowCounter, type Logger } from "../log.js";
import { budgetMessages } from "../report/budget-text.js";
import { groupBudgetMessages } from "../report/group-budget-text.js";
import type { ReportData } from "../report/model.js";

/** The run's talk on stderr once the report is known: warnings, failures, provenance, budget, request counts. */
export function talk(report: ReportData, opts: CliOptions, log: Logger, requests: Record<string, unknown>): void {
  for (const w of report.warnings) log.warn(w);
  for (const f of report.failures) log.error(f);
  if (opts.format === "csv" || opts.format === "json") {
    // stdout carries only data in these formats: where each region's intensity came from is told on stderr.
    for (const p of report.provenance) {
      const signal = p.signal === "average" ? "location-based" : "marginal";
      log.info(`intensity ${p.key}${p.zone ? ` (${p.zone})` : ""} ${signal}: ${p.source}${p.note ? ` (${p.note})` : ""}`);
    }
  }
  const budgetLines = report.budget ? budgetMessages(report.budget) : { warnings: [], errors: [] };
  for (const w of budgetLines.warnings) log.warn(w);
  for (const e of budgetLines.errors) log.error(e);
  groupBudgetMessages(report.groupBudgets ?? [], log);
  if (opts.verbose) {
    // A source that asked nothing (the demo's static intensity, a cache that held everything) has no line.
    for (const [id, counts] of Object.entries(requests)) {
      if (counts && typeof counts === "object" && Object.keys(counts).length > 0) log.verbose(`${id} requests: ${JSON.stringify(counts)}`);
    }
  }
}

/** The row-by-row check of --input, counting the rows read on the progress line. */
export function readProgress(log: Logger, file: string, stop: () => void): () => void {
  const tick = rowCounter(log, (n) => `reading ${file}: ${n} rows`);
  return () => {
    stop();
    tick();
  };
}

/** A pace function that also counts the row on the progress line. */
export const withCount =
  (tick: () => void, pace: () => void | Promise<void>) =>
  (): void | Promise<void> => {
    tick();
    return pace();
  };
