import { statSync } from "node:fs";
import { resolve } from "node:path";
import { Chalk } from "chalk";
import { estimate } from "../calc/estimate.js";
import { summarize } from "../calc/summary.js";
import { ExitCode, UsageError } from "../errors.js";
import { defaultCacheDir } from "../intensity/cache.js";
import type { RegionDemand } from "../intensity/types.js";
import { createLogger } from "../log.js";
import { detailColumns, summaryColumns } from "../report/columns.js";
import { toCsv } from "../report/csv.js";
import { fileStamp, writeReportFiles } from "../report/files.js";
import { renderJson } from "../report/json.js";
import type { ReportData } from "../report/model.js";
import { renderTables } from "../report/table.js";
import type { ProviderId, UsageRecord } from "../schema.js";
import { demoUsage } from "../sources/demo.js";
import { readInputFile } from "../sources/input-file.js";
import { sources } from "../sources/registry.js";
import type { HttpPolicy } from "../sources/types.js";
import { collectUsage, demandsOf, type Collected } from "./collect.js";
import { formatDay } from "./dates.js";
import { chooseIntensity } from "./intensity-choice.js";
import { parseCli, type CliOptions } from "./options.js";
import { loadSetup, type Setup } from "./setup.js";
import { describeEstimateWarning } from "./warnings.js";

export interface RunDeps {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: Date;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

const positiveInt = (v: string | undefined, fallback: number): number => (v && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : fallback);

function httpPolicy(env: NodeJS.ProcessEnv): HttpPolicy {
  return {
    timeoutMs: positiveInt(env.CARBON_TRACK_TIMEOUT_MS, 30_000),
    retryBaseMs: positiveInt(env.CARBON_TRACK_RETRY_BASE_MS, 500),
    maxAttempts: 4,
  };
}

/** Which providers to query: exactly --providers, or every configured one. */
function chooseProviders(opts: CliOptions, setup: Setup, env: NodeJS.ProcessEnv): ProviderId[] {
  if (opts.providers) {
    for (const id of opts.providers) {
      if (!sources[id].isConfigured(setup.config, env)) throw new UsageError(`${id} is not configured: ${sources[id].howToConfigure}`);
    }
    return opts.providers;
  }
  const configured = (Object.keys(sources) as ProviderId[]).filter((id) => sources[id].isConfigured(setup.config, env));
  if (configured.length === 0) {
    throw new UsageError(
      "no provider is configured: set AWS credentials, AZURE_SUBSCRIPTION_ID or --gcp-table (see README), or try carbon-track --demo",
    );
  }
  return configured;
}

function checkOutDir(opts: CliOptions, cwd: string): string {
  const dir = resolve(cwd, opts.outDir);
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`--out ${opts.outDir} exists and is not a directory`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
  }
  return dir;
}

/** Keeps --input rows inside an explicitly given window, so totals match the period shown. */
function clipToWindow(records: UsageRecord[], opts: CliOptions): { kept: UsageRecord[]; dropped: number } {
  const from = `${opts.window.since}T00:00:00Z`;
  const to = `${formatDay(Date.parse(`${opts.window.until}T00:00:00Z`) + 86_400_000)}T00:00:00Z`;
  const kept = records.filter((r) => r.periodStart >= from && r.periodStart < to);
  return { kept, dropped: records.length - kept.length };
}

/** The span of the data itself, for --input without an explicit window. */
function dataWindow(records: readonly UsageRecord[], opts: CliOptions): CliOptions["window"] {
  let min = records[0]!.periodStart;
  let max = records[0]!.periodStart;
  for (const r of records) {
    if (r.periodStart < min) min = r.periodStart;
    if (r.periodStart > max) max = r.periodStart;
  }
  const since = min.slice(0, 10);
  const until = max.slice(0, 10);
  const days = Math.round((Date.parse(until) - Date.parse(since)) / 86_400_000) + 1;
  return { since, until, days, granularity: opts.window.granularity };
}

export async function run(deps: RunDeps): Promise<number> {
  // Everything that can be wrong with the arguments and configuration is found here, before any file exists.
  const opts = parseCli(deps.argv, deps.now);
  const setup = loadSetup(opts, deps.cwd);
  const outDir = opts.format === "table" || opts.format === "markdown" ? checkOutDir(opts, deps.cwd) : null;
  const intensityChoice = chooseIntensity(opts, deps.env);
  const providers = opts.demo || opts.inputFile ? null : chooseProviders(opts, setup, deps.env);

  const noColor = deps.env.NO_COLOR !== undefined && deps.env.NO_COLOR !== "";
  const log = createLogger({ stream: deps.stderr, quiet: opts.quiet, verbose: opts.verbose, color: deps.stderr.isTTY === true && !noColor });
  const abort = new AbortController();
  const http = httpPolicy(deps.env);

  let collected: Collected;
  let window = opts.window;
  if (opts.demo) {
    if (opts.window.granularity === "hourly") log.warn("the demo data is daily: answering daily");
    collected = { records: demoUsage(opts.window), warnings: [], failures: [], failedProviders: [], requests: {} };
  } else if (opts.inputFile) {
    let records = await readInputFile(resolve(deps.cwd, opts.inputFile));
    const warnings: string[] = [];
    if (opts.windowExplicit) {
      const { kept, dropped } = clipToWindow(records, opts);
      if (dropped > 0) warnings.push(`${opts.inputFile}: ${dropped} rows outside ${opts.window.since}..${opts.window.until} left out`);
      records = kept;
    } else if (records.length > 0) window = dataWindow(records, opts);
    collected = { records, warnings, failures: [], failedProviders: [], requests: {} };
  } else {
    collected = await collectUsage(providers!, {
      window: opts.window,
      env: deps.env,
      config: setup.config,
      catalog: setup.catalog,
      log,
      signal: abort.signal,
      http,
    });
    if (collected.failedProviders.length === providers!.length) {
      for (const f of collected.failures) log.error(f);
      log.error("no provider answered: nothing was written");
      return ExitCode.error;
    }
  }

  const demands: RegionDemand[] = [...demandsOf(collected.records)].map(([key, periods]) => {
    const [provider, region] = key.split(/:(.*)/s) as [ProviderId, string];
    return { key, region: setup.regions.get(provider, region), periods: [...periods].map(([start, end]) => ({ start, end })) };
  });
  if (intensityChoice.hint) log.info(`note: ${intensityChoice.hint}`);
  log.progress("resolving grid intensity");
  const intensity = await (
    await intensityChoice.load()
  ).resolve(demands, {
    signal: opts.signal,
    env: deps.env,
    log,
    abort: abort.signal,
    cacheDir: opts.cache ? defaultCacheDir(deps.env, process.platform) : null,
    now: deps.now,
    http,
  });

  const estimated = estimate({
    records: collected.records,
    catalog: setup.catalog,
    regions: setup.regions,
    intensity,
    signal: opts.signal,
    gpuUtilization: opts.gpuUtilization,
  });
  const summary = summarize(estimated.records);
  const warnings = [...collected.warnings, ...intensity.warnings, ...estimated.warnings.map(describeEstimateWarning)];
  const failures = [...collected.failures, ...intensity.failures];
  const report: ReportData = {
    schemaVersion: 1,
    period: { since: window.since, until: window.until, days: window.days, granularity: window.granularity },
    options: {
      source: opts.demo ? "demo" : opts.inputFile ? "input" : "providers",
      providers: opts.demo || opts.inputFile ? [...new Set(collected.records.map((r) => r.provider))].sort() : providers!,
      gpuUtilization: opts.gpuUtilization,
      signal: opts.signal,
      intensity: intensityChoice.label,
    },
    records: estimated.records,
    summary,
    provenance: intensity.provenance,
    warnings,
    failures,
  };
  for (const w of warnings) log.warn(w);
  for (const f of failures) log.error(f);
  if (opts.verbose) {
    for (const [id, counts] of Object.entries({ ...collected.requests, intensity: intensity.requests })) {
      log.verbose(`${id} requests: ${JSON.stringify(counts)}`);
    }
  }

  if (opts.format === "csv") deps.stdout.write(toCsv(detailColumns, report.records));
  else if (opts.format === "json") deps.stdout.write(renderJson(report, {}));
  else {
    const color = deps.stdout.isTTY === true && !noColor;
    deps.stdout.write(renderTables(report, { chalk: new Chalk({ level: color ? 1 : 0 }), color }));
    const stamp = fileStamp(deps.now, opts.stamp);
    const written = writeReportFiles(outDir!, [
      { name: `carbon_detail${stamp}.csv`, content: toCsv(detailColumns, report.records) },
      { name: `carbon_summary${stamp}.csv`, content: toCsv(summaryColumns, summary.byRegionInstanceType) },
    ]);
    log.info(`wrote ${written.join(", ")}`);
  }
  return failures.length > 0 ? ExitCode.partial : ExitCode.ok;
}
