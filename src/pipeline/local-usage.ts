import type { Logger } from "../log.js";
import type { HttpPolicy } from "../net/http-policy.js";
import type { ProviderId, UsageRecord } from "../schema.js";
import { demoUsage } from "../sources/demo.js";
import { readInputFile } from "../sources/input-file.js";
import { addDays, daysBetween, formatDay, parseDay } from "../cli/dates.js";
import type { UsageRows } from "./estimate-pass.js";
import type { UsageScan } from "./intensity-batch.js";
import type { CliOptions } from "../cli/options.js";

/** Usage that comes from no provider (--demo, --input), scanned for the intensity stage as it was read. */
export interface LocalUsage {
  rows: UsageRows;
  window: CliOptions["window"];
  warnings: string[];
  providers: ProviderId[];
  scan: UsageScan;
}

/** --providers applies to --demo and --input as to the providers: rows of the others are left out. */
const wanted = (opts: CliOptions, provider: ProviderId): boolean => opts.providers === null || opts.providers.includes(provider);

/** The span of the data itself, for --input without an explicit window. */
function dataWindow(minStart: string, maxStart: string, opts: CliOptions): CliOptions["window"] {
  const since = minStart.slice(0, 10);
  const until = maxStart.slice(0, 10);
  const days = daysBetween(Date.parse(since), Date.parse(until));
  return { since, until, days, granularity: opts.window.granularity };
}

/**
 * Reads --input (every row validated before anything is created) and keeps rows inside an explicitly given window,
 * so totals match the period shown; without one, the window is the span of the data. The rows are not held:
 * `rows()` reads the file again. `stop` is called for every row and throws once the run is interrupted: the file
 * is read in chunks, so the signal is seen between two, and a long file stops within a chunk.
 */
export async function readInputUsage(path: string, opts: CliOptions, scan: UsageScan, stop: () => void): Promise<LocalUsage> {
  const from = `${opts.window.since}T00:00:00Z`;
  const to = `${formatDay(addDays(parseDay(opts.window.until, "--until"), 1))}T00:00:00Z`;
  const inWindow = (r: UsageRecord): boolean => !opts.windowExplicit || (r.periodStart >= from && r.periodStart < to);
  const kept = (r: UsageRecord): boolean => wanted(opts, r.provider) && inWindow(r);
  let dropped = 0;
  let minStart = "";
  let maxStart = "";
  const providers = new Set<ProviderId>();
  const input = await readInputFile(path, (r) => {
    stop();
    if (!wanted(opts, r.provider)) return;
    if (!inWindow(r)) {
      dropped++;
      return;
    }
    if (minStart === "" || r.periodStart < minStart) minStart = r.periodStart;
    if (r.periodStart > maxStart) maxStart = r.periodStart;
    providers.add(r.provider);
    scan.add(r);
  });
  const warnings = dropped > 0 ? [`${opts.inputFile}: ${dropped} rows outside ${opts.window.since}..${opts.window.until} left out`] : [];
  async function* keptRows(): AsyncGenerator<UsageRecord> {
    for await (const r of input.rows()) if (kept(r)) yield r;
  }
  return {
    rows: opts.windowExplicit || opts.providers !== null ? keptRows : input.rows,
    window: opts.windowExplicit ? opts.window : dataWindow(minStart, maxStart, opts),
    warnings,
    providers: [...providers].sort(),
    scan,
  };
}

/** The embedded sample: a few hundred daily rows, held in memory. */
export function demoLocalUsage(opts: CliOptions, log: Logger, scan: UsageScan): LocalUsage {
  if (opts.window.granularity === "hourly") log.warn("the demo data is daily: answering daily");
  const records = demoUsage(opts.window, opts.groupKeys).filter((r) => wanted(opts, r.provider));
  for (const r of records) scan.add(r);
  return { rows: () => records, window: opts.window, warnings: [], providers: [...new Set(records.map((r) => r.provider))].sort(), scan };
}

/**
 * Reads --export files: the embedded engine (loaded here, lazily) filters and aggregates them, and only the
 * aggregated rows are held. An explicit window is pushed into the engine's SQL; without one, the data's span.
 */
export async function readExportUsage(
  paths: string[],
  opts: CliOptions,
  log: Logger,
  scan: UsageScan,
  record?: (name: string, params: unknown) => void,
): Promise<LocalUsage> {
  const window = opts.windowExplicit
    ? { from: `${opts.window.since}T00:00:00Z`, to: `${formatDay(addDays(parseDay(opts.window.until, "--until"), 1))}T00:00:00Z` }
    : null;
  const { readExports } = await import("../sources/exports/read.js");
  const got = await readExports({ paths, format: opts.exportFormat, window, granularity: opts.window.granularity, groupKeys: opts.groupKeys, record });
  for (const n of got.notes) log.verbose(n);
  let minStart = "";
  let maxStart = "";
  for (const r of got.records) {
    if (minStart === "" || r.periodStart < minStart) minStart = r.periodStart;
    if (r.periodStart > maxStart) maxStart = r.periodStart;
    scan.add(r);
  }
  const records = got.records;
  return {
    rows: () => records,
    window: opts.windowExplicit || records.length === 0 ? opts.window : dataWindow(minStart, maxStart, opts),
    warnings: got.warnings,
    providers: [...new Set(records.map((r) => r.provider))].sort(),
    scan,
  };
}

/**
 * Reads an Athena table in place (--athena-table): Athena aggregates, carbon-track receives the aggregated rows.
 * The window is always pushed down (the default 30 days without one): a whole table would cost its whole size.
 */
export async function readAthenaUsage(
  opts: CliOptions,
  athena: NonNullable<CliOptions["athena"]>,
  ctx: { env: NodeJS.ProcessEnv; http: HttpPolicy; signal: AbortSignal; log: Logger; record?: (name: string, params: unknown) => void },
  scan: UsageScan,
) {
  const { readAthena } = await import("../sources/exports/athena.js");
  const got = await readAthena({
    ...athena,
    format: opts.exportFormat,
    since: opts.window.since,
    untilExclusive: formatDay(addDays(parseDay(opts.window.until, "--until"), 1)),
    granularity: opts.window.granularity,
    groupKeys: opts.groupKeys,
    ...ctx,
  });
  for (const n of got.notes) ctx.log.verbose(n);
  for (const r of got.records) scan.add(r);
  const records = got.records;
  const local: LocalUsage = { rows: () => records, window: opts.window, warnings: got.warnings, providers: [...new Set(records.map((r) => r.provider))].sort(), scan };
  return { local, requests: got.requests };
}
