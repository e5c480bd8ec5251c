import { appendFileSync } from "node:fs";
import { Chalk } from "chalk";
import type { Logger } from "../log.js";
import { detailColumns, suggestionColumns, summaryColumns } from "../report/columns.js";
import { toCsv } from "../report/csv.js";
import { fileStamp, writeReportFiles } from "../report/files.js";
import { renderJson } from "../report/json.js";
import { renderMarkdown } from "../report/markdown.js";
import type { ReportData } from "../report/model.js";
import { renderTables } from "../report/table.js";
import type { Format, Stamp } from "./options.js";

export interface OutputContext {
  format: Format;
  stamp: Stamp;
  /** Checked before the run; null for formats that write no files (csv, json). */
  outDir: string | null;
  now: Date;
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  /** Decided once by the command layer: stdout is a TTY and NO_COLOR is not set. */
  color: boolean;
  log: Logger;
}

/** The files of a table or Markdown run; the detail CSV also under a fixed name, for BI tools to point at. */
function reportFiles(report: ReportData, now: Date, stamp: Stamp): { name: string; content: string }[] {
  const s = fileStamp(now, stamp);
  const detail = toCsv(detailColumns, report.records);
  return [
    { name: `carbon_detail${s}.csv`, content: detail },
    { name: `carbon_summary${s}.csv`, content: toCsv(summaryColumns, report.summary.byRegionInstanceType) },
    { name: `carbon_suggestions${s}.csv`, content: toCsv(suggestionColumns, report.suggestions) },
    { name: "carbon_detail_latest.csv", content: detail },
  ];
}

/**
 * Writes the run's output: data on stdout in the chosen format, the CSV files for table and Markdown runs,
 * and the Markdown summary appended to $GITHUB_STEP_SUMMARY when GitHub Actions provides one (any format).
 */
export function writeOutputs(report: ReportData, ctx: OutputContext): void {
  if (ctx.format === "csv") ctx.stdout.write(toCsv(detailColumns, report.records));
  else if (ctx.format === "json") ctx.stdout.write(renderJson(report, {}));
  else {
    const text = ctx.format === "markdown" ? renderMarkdown(report) : renderTables(report, { chalk: new Chalk({ level: ctx.color ? 1 : 0 }), color: ctx.color });
    ctx.stdout.write(text);
    const written = writeReportFiles(ctx.outDir!, reportFiles(report, ctx.now, ctx.stamp));
    ctx.log.info(`wrote ${written.join(", ")}`);
  }
  const summaryFile = ctx.env.GITHUB_STEP_SUMMARY;
  if (summaryFile) {
    try {
      appendFileSync(summaryFile, `${renderMarkdown(report)}\n`);
    } catch (err) {
      ctx.log.warn(`GITHUB_STEP_SUMMARY ${summaryFile} cannot be appended to: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  }
}
