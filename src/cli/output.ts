import { appendFileSync, existsSync } from "node:fs";
import { once } from "node:events";
import { join } from "node:path";
import { Chalk } from "chalk";
import { copyFileAtomic, openFileAtomic, writeFileAtomic } from "../io/atomic.js";
import type { Engine } from "../engine/duckdb.js";
import { writeParquetBeside } from "../engine/parquet-beside.js";
import type { Logger } from "../log.js";
import { detailColumns, suggestionColumns, summaryColumns } from "../report/columns.js";
import { csvHeader, csvLine, toCsv } from "../report/csv.js";
import { dataPackage } from "../report/datapackage.js";
import { fileStamp } from "../report/files.js";
import { jsonHead, jsonRecord, jsonTail, type JsonHead } from "../report/json.js";
import { renderMarkdown } from "../report/markdown.js";
import type { ReportData } from "../report/model.js";
import { renderTables } from "../report/table.js";
import type { CarbonRecord } from "../schema.js";
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
  /** Replace carbon_detail_latest.csv even when the run is partial (--latest-on-partial). */
  latestOnPartial: boolean;
  /** Loaded by the command layer for --format parquet (and the ledger); null otherwise. */
  engine: Engine | null;
}

/** Where the run's output goes, record by record, then the rest once every record is in. */
export interface OutputWriter {
  /** One estimated row; a promise when the writer waits for stdout to drain. */
  record(r: CarbonRecord): void | Promise<void>;
  /** After the last record: the rest on stdout, and the files put in place. */
  finish(report: ReportData): Promise<void>;
  /** After a failure: removes the detail CSV's temporary file. */
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

/** Writes to stdout and, when its buffer is full, waits for it to drain: memory stays flat behind a slow reader. */
const toStdout =
  (stdout: NodeJS.WritableStream) =>
  (text: string): void | Promise<void> =>
    stdout.write(text) ? undefined : once(stdout, "drain").then(() => undefined);

/**
 * Opens the run's output before the first record is estimated: data on stdout in the chosen format, or, for table
 * and Markdown runs, the detail CSV in a temporary file beside its final name. `finish` writes the report, then
 * puts the files in place one by one, each atomically (the detail CSV also under a fixed name, for BI tools to
 * point at), and appends the Markdown summary to $GITHUB_STEP_SUMMARY when GitHub Actions provides one.
 */
export function openOutputs(head: JsonHead, ctx: OutputContext): OutputWriter {
  let count = 0;
  const finishCommon = (report: ReportData): void => {
    const summaryFile = ctx.env.GITHUB_STEP_SUMMARY;
    if (!summaryFile) return;
    try {
      appendFileSync(summaryFile, `${renderMarkdown(report)}\n`);
    } catch (err) {
      ctx.log.warn(`GITHUB_STEP_SUMMARY ${summaryFile} cannot be appended to: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
  };

  if (ctx.format === "csv" || ctx.format === "json") {
    const json = ctx.format === "json";
    const out = chunked(toStdout(ctx.stdout));
    void out.add(json ? jsonHead(head) : csvHeader(detailColumns));
    return {
      record: (r) => out.add(json ? jsonRecord(r, count++) : csvLine(detailColumns, r)),
      async finish(report) {
        if (json) await out.add(jsonTail(report, count, report.comparison ? { comparison: report.comparison } : {}));
        await out.flush();
        finishCommon(report);
      },
      discard: () => undefined,
    };
  }

  const s = fileStamp(ctx.now, ctx.stamp);
  const detailPath = join(ctx.outDir!, `carbon_detail${s}.csv`);
  const detail = openFileAtomic(detailPath);
  const out = chunked((text) => detail.write(text));
  void out.add(csvHeader(detailColumns));
  return {
    record: (r) => out.add(csvLine(detailColumns, r)),
    async finish(report) {
      await out.flush();
      ctx.stdout.write(ctx.format === "markdown" ? renderMarkdown(report) : renderTables(report, { chalk: new Chalk({ level: ctx.color ? 1 : 0 }), color: ctx.color }));
      detail.commit();
      const written = [detailPath];
      for (const [name, content] of [
        [`carbon_summary${s}.csv`, toCsv(summaryColumns, report.summary.byRegionInstanceType)],
        [`carbon_suggestions${s}.csv`, toCsv(suggestionColumns, report.suggestions)],
      ] as const) {
        writeFileAtomic(join(ctx.outDir!, name), content);
        written.push(join(ctx.outDir!, name));
      }
      if (ctx.format === "parquet") {
        const summaryPath = join(ctx.outDir!, `carbon_summary${s}.csv`);
        written.push(...(await writeParquetBeside(ctx.engine!, [{ csv: detailPath, columns: detailColumns }, { csv: summaryPath, columns: summaryColumns }])));
      }
      // A partial run's detail lacks the failed providers: BI tools pointed at the fixed name keep the last whole one.
      const latest = join(ctx.outDir!, "carbon_detail_latest.csv");
      if (report.failures.length === 0 || ctx.latestOnPartial) {
        copyFileAtomic(detailPath, latest);
        written.push(latest);
      } else {
        ctx.log.warn(`${latest} was left as it was because the run is partial (--latest-on-partial replaces it anyway)`);
      }
      const pkg = join(ctx.outDir!, "datapackage.json");
      writeFileAtomic(
        pkg,
        dataPackage([
          { name: "carbon_detail", path: `carbon_detail${s}.csv`, columns: detailColumns },
          { name: "carbon_summary", path: `carbon_summary${s}.csv`, columns: summaryColumns },
          { name: "carbon_suggestions", path: `carbon_suggestions${s}.csv`, columns: suggestionColumns },
          ...(existsSync(latest) ? [{ name: "carbon_detail_latest", path: "carbon_detail_latest.csv", columns: detailColumns }] : []),
        ]),
      );
      written.push(pkg);
      ctx.log.info(`wrote ${written.join(", ")}`);
      finishCommon(report);
    },
    discard: () => detail.discard(),
  };
}
