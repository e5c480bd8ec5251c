import { appendFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { Chalk } from "chalk";
import type { Engine } from "../engine/duckdb.js";
import { writeParquetTwins } from "../engine/parquet-beside.js";
import { staging, type Staging } from "../io/atomic.js";
import { describeFsError } from "../io/fs-errors.js";
import type { Leftovers } from "../io/leftovers.js";
import { createOutDir } from "../io/out-dir.js";
import type { WatchedStdout } from "../io/stdout.js";
import type { Logger } from "../log.js";
import { suggestionColumns, summaryColumns, type Column } from "../report/columns.js";
import { groupedDetailColumns, groupedSummaryColumns } from "../report/group-columns.js";
import type { GroupKey } from "../attribution/keys.js";
import { csvHeader, toCsv } from "../report/csv.js";
import { CsvBytes } from "../report/csv-bytes.js";
import { dataPackage } from "../report/datapackage.js";
import { fileStamp } from "../report/files.js";
import { jsonHead, jsonRecord, jsonTail, type JsonHead } from "../report/json.js";
import { renderMarkdown } from "../report/markdown.js";
import type { ReportData } from "../report/model.js";
import { renderTables } from "../report/table.js";
import type { CarbonRecord } from "../schema.js";
import type { Redactor } from "../text/redact.js";
import { toolVersion } from "../version.js";
import type { Format, Stamp } from "../cli/options.js";

export interface OutputContext {
  format: Format;
  stamp: Stamp;
  /** Checked before the run, created now if missing; null for formats that write no files (csv, json). */
  outDir: string | null;
  now: Date;
  env: NodeJS.ProcessEnv;
  stdout: WatchedStdout;
  /** Where the temporary files and the directories this run creates are recorded until they are in place. */
  leftovers: Leftovers;
  /** Decided once by the command layer (src/io/terminal.ts). */
  color: boolean;
  /** The terminal's width the table report is fitted to; null for no limit. */
  width: number | null;
  log: Logger;
  /** The Markdown report quotes provider messages: it goes through here before the terminal or the job summary. */
  redactor: Redactor;
  /** Replace carbon_detail_latest.csv even when the run is partial (--latest-on-partial). */
  latestOnPartial: boolean;
  /** Loaded by the command layer for --format parquet (and the ledger); null otherwise. */
  engine: Engine | null;
  /** --html: carbon_report<stamp>.html joins the files in --out (created for it in csv and json runs too). */
  html: boolean;
  /** --group-by keys: each appends a column to the detail files; empty keeps the default layout. */
  groupKeys?: readonly GroupKey[];
  /** --audit: adds the evidence pack to the set once every output is staged, so that all appear together. */
  seal?: (files: Staging, report: ReportData) => Promise<void>;
}

/** Where the run's output goes, record by record, then the rest once every record is in. */
export interface OutputWriter {
  /** One estimated row; a promise when the writer waits for stdout to drain. */
  record(r: CarbonRecord): void | Promise<void>;
  /** After the last record: the rest on stdout, and the files put in place. */
  finish(report: ReportData): Promise<void>;
  /** After a failure or an interrupt: removes the temporary files, and --out if this run created it and it is empty. */
  discard(): void;
}

/** Text gathered into chunks of about 64 KB, so a million rows make a few thousand writes, not a million. */
function chunked(out: (text: string) => void | Promise<void>) {
  let pending = "";
  return {
    add(text: string): void | Promise<void> {
      pending += text;
      if (pending.length < 65_536) return;
      const full = pending;
      pending = "";
      return out(full);
    },
    flush(): void | Promise<void> {
      const rest = pending;
      pending = "";
      return rest === "" ? undefined : out(rest);
    },
  };
}

/**
 * Opens the run's output before the first record is estimated: data on stdout in the chosen format (waiting for it
 * to drain when its buffer is full: memory stays flat behind a slow reader), or, for table and Markdown runs, --out
 * and the detail CSV in a temporary file beside its final name. `finish` writes the other files (the detail CSV
 * also under a fixed name, for BI tools to point at) to temporaries too, prints the report, and only then puts
 * them all in place; it appends the Markdown summary to $GITHUB_STEP_SUMMARY when GitHub Actions provides one.
 */
export function openOutputs(head: JsonHead, ctx: OutputContext): OutputWriter {
  let count = 0;
  const s = fileStamp(ctx.now, ctx.stamp);
  const detailColumns = groupedDetailColumns(ctx.groupKeys ?? []);
  const markdown = (report: ReportData): string => ctx.redactor.redact(renderMarkdown(report));
  // The renderer is loaded only when the page is asked for; like the Markdown it quotes provider messages.
  const addHtml = async (files: Staging, report: ReportData): Promise<void> => {
    if (!ctx.html) return;
    const { renderHtml } = await import("../report/html/page.js");
    files.add(join(ctx.outDir!, `carbon_report${s}.html`), ctx.redactor.redact(renderHtml(report)));
  };
  const finishCommon = (report: ReportData): void => {
    const summaryFile = ctx.env.GITHUB_STEP_SUMMARY;
    if (!summaryFile) return;
    try {
      appendFileSync(summaryFile, `${markdown(report)}\n`);
    } catch (err) {
      // Checked before the run; failing now (a disk filled meanwhile) costs the summary, not the data in place.
      ctx.log.warn(`GITHUB_STEP_SUMMARY ${summaryFile} cannot be appended to: ${describeFsError(err)}`);
    }
  };

  if (ctx.format === "csv" || ctx.format === "json") {
    const json = ctx.format === "json";
    // JSON is text gathered in chunks; the CSV is written as bytes (report/csv-bytes.ts).
    const text = chunked((t) => ctx.stdout.write(t));
    const csv = new CsvBytes(detailColumns, (bytes) => ctx.stdout.write(bytes));
    if (json) void text.add(jsonHead(head));
    else csv.write(csvHeader(detailColumns));
    return {
      record: json ? (r) => text.add(jsonRecord(r, count++)) : (r) => csv.add(r),
      async finish(report) {
        // When and by which version the document was made: added keys, after the ones readers already know.
        const made = { generatedAt: ctx.now.toISOString(), toolVersion: toolVersion() };
        if (json) await text.add(jsonTail(report, count, { ...(report.comparison ? { comparison: report.comparison } : {}), ...made }));
        await (json ? text.flush() : csv.flush());
        if (ctx.html || ctx.seal) {
          if (ctx.html) createOutDir(ctx.outDir!, ctx.leftovers);
          const files = staging(ctx.leftovers);
          await addHtml(files, report);
          await ctx.seal?.(files, report);
          ctx.log.info(`wrote ${files.commit().join(", ")}`);
        }
        finishCommon(report);
      },
      discard: () => ctx.leftovers.sweep(),
    };
  }

  const dir = ctx.outDir!;
  createOutDir(dir, ctx.leftovers);
  const files = staging(ctx.leftovers);
  const detailPath = join(dir, `carbon_detail${s}.csv`);
  const detail = files.open(detailPath);
  const out = new CsvBytes(detailColumns, (bytes) => detail.write(bytes));
  out.write(csvHeader(detailColumns));
  return {
    record: (r) => out.add(r),
    async finish(report) {
      await out.flush();
      const summaryPath = join(dir, `carbon_summary${s}.csv`);
      // With --group-by, the summary's grain adds every key's value.
      const attribution = report.attribution;
      const grouped = attribution ? groupedSummaryColumns(ctx.groupKeys ?? []) : null;
      const summary = { columns: (grouped ?? summaryColumns) as readonly Column<never>[] };
      files.add(summaryPath, grouped ? toCsv(grouped, attribution!.byGroup) : toCsv(summaryColumns, report.summary.byRegionInstanceType));
      files.add(join(dir, `carbon_suggestions${s}.csv`), toCsv(suggestionColumns, report.suggestions));
      // A partial run's detail lacks the failed providers: BI tools pointed at the fixed name keep the last whole one.
      const latest = join(dir, "carbon_detail_latest.csv");
      const replaceLatest = report.failures.length === 0 || ctx.latestOnPartial;
      if (replaceLatest) files.copy(detailPath, latest);
      else ctx.log.warn(`${latest} was left as it was because the run is partial (--latest-on-partial replaces it anyway)`);
      files.add(
        join(dir, "datapackage.json"),
        dataPackage([
          { name: "carbon_detail", path: `carbon_detail${s}.csv`, columns: detailColumns },
          { name: "carbon_summary", path: `carbon_summary${s}.csv`, columns: summary.columns },
          { name: "carbon_suggestions", path: `carbon_suggestions${s}.csv`, columns: suggestionColumns },
          ...(replaceLatest || existsSync(latest) ? [{ name: "carbon_detail_latest", path: "carbon_detail_latest.csv", columns: detailColumns }] : []),
        ]),
      );
      await addHtml(files, report);
      try {
        await ctx.stdout.writeAll(
          ctx.format === "markdown" ? markdown(report) : renderTables(report, { chalk: new Chalk({ level: ctx.color ? 1 : 0 }), color: ctx.color, width: ctx.width }),
        );
      } catch (err) {
        // The report on stdout is a view of the files: a reader that left early (`| head`) does not cancel them.
        if (!ctx.stdout.readerLeft) throw err;
      }
      if (ctx.format === "parquet") {
        // DuckDB reads the staged CSVs and writes the twins as members of the same set: all appear together.
        await writeParquetTwins(ctx.engine!, [
          { csv: files.staged(detailPath), parquet: files.external(detailPath.replace(/\.csv$/, ".parquet")), columns: detailColumns },
          { csv: files.staged(summaryPath), parquet: files.external(summaryPath.replace(/\.csv$/, ".parquet")), columns: summary.columns },
        ]);
      }
      await ctx.seal?.(files, report);
      ctx.log.info(`wrote ${files.commit().join(", ")}`);
      finishCommon(report);
    },
    discard() {
      files.discard();
      ctx.leftovers.sweep();
    },
  };
}
