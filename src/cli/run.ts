import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { evaluateBudget } from "../calc/budget.js";
import { estimate } from "../calc/estimate.js";
import { defaultSuggestionLimits, suggest, topPlans } from "../calc/suggestions.js";
import { summarize } from "../calc/summary.js";
import { loadAvailability } from "../config/availability.js";
import { ExitCode, UsageError } from "../errors.js";
import { defaultCacheDir } from "../intensity/cache.js";
import { createLogger } from "../log.js";
import { budgetMessages } from "../report/budget-text.js";
import type { ReportData } from "../report/model.js";
import type { ProviderId, UsageRecord } from "../schema.js";
import { demoUsage } from "../sources/demo.js";
import { readInputFile } from "../sources/input-file.js";
import { sources } from "../sources/registry.js";
import type { HttpPolicy } from "../sources/types.js";
import { collectUsage, type Collected } from "./collect.js";
import { mergeTables, resolveBatch, type BatchDeps, type BatchIntensity } from "./intensity-batch.js";
import { formatDay } from "./dates.js";
import { chooseIntensity } from "./intensity-choice.js";
import { parseCli, type CliOptions } from "./options.js";
import { writeOutputs } from "./output.js";
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
  // The nearest part of the path that exists must be a directory, or --out cannot be created.
  for (let part = dir; ; part = dirname(part)) {
    let isDirectory: boolean;
    try {
      isDirectory = statSync(part).isDirectory();
    } catch {
      if (dirname(part) === part) break;
      continue;
    }
    if (!isDirectory) {
      throw new UsageError(part === dir ? `--out ${opts.outDir} exists and is not a directory` : `--out ${opts.outDir} cannot be created: ${part} is a file`);
    }
    break;
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
  const availability = loadAvailability(setup.config.availability, opts.configFile);
  const outDir = opts.format === "table" || opts.format === "markdown" ? checkOutDir(opts, deps.cwd) : null;
  const intensityChoice = chooseIntensity(opts, deps.env);
  const providers = opts.demo || opts.inputFile ? null : chooseProviders(opts, setup, deps.env);

  const noColor = deps.env.NO_COLOR !== undefined && deps.env.NO_COLOR !== "";
  const log = createLogger({ stream: deps.stderr, quiet: opts.quiet, verbose: opts.verbose, color: deps.stderr.isTTY === true && !noColor });
  const abort = new AbortController();
  const http = httpPolicy(deps.env);

  const intensityProvider = await intensityChoice.load();
  const batchDeps: BatchDeps = {
    setup,
    availability,
    signal: opts.signal,
    gpuUtilization: opts.gpuUtilization,
    provider: intensityProvider,
    ctx: {
      signal: opts.signal,
      env: deps.env,
      log,
      abort: abort.signal,
      cacheDir: opts.cache ? defaultCacheDir(deps.env, process.platform) : null,
      now: deps.now,
      http,
    },
  };
  // The hint comes once the usage is read: a bad --input must still give exactly one line.
  let hint = intensityChoice.hint;
  const afterEach = (records: UsageRecord[]): Promise<BatchIntensity> => {
    if (hint) log.info(`note: ${hint}`);
    hint = null;
    log.progress("resolving grid intensity");
    return resolveBatch(records, batchDeps);
  };

  let collected: Collected<BatchIntensity>;
  let window = opts.window;
  if (opts.demo || opts.inputFile) {
    let records: UsageRecord[];
    const warnings: string[] = [];
    if (opts.demo) {
      if (opts.window.granularity === "hourly") log.warn("the demo data is daily: answering daily");
      records = demoUsage(opts.window);
    } else {
      records = await readInputFile(resolve(deps.cwd, opts.inputFile!));
      if (opts.windowExplicit) {
        const { kept, dropped } = clipToWindow(records, opts);
        if (dropped > 0) warnings.push(`${opts.inputFile}: ${dropped} rows outside ${opts.window.since}..${opts.window.until} left out`);
        records = kept;
      } else if (records.length > 0) window = dataWindow(records, opts);
    }
    collected = { records, warnings, failures: [], failedProviders: [], requests: {}, batches: [await afterEach(records)] };
  } else {
    const sourceCtx = { window: opts.window, env: deps.env, config: setup.config, catalog: setup.catalog, log, signal: abort.signal, http };
    collected = await collectUsage(providers!, sourceCtx, afterEach);
    if (collected.failedProviders.length === providers!.length) {
      for (const f of collected.failures) log.error(f);
      log.error("no provider answered: nothing was written");
      return ExitCode.error;
    }
  }
  const intensity = mergeTables(collected.batches.map((b) => b.table));
  const plans = topPlans(
    collected.batches.flatMap((b) => b.plans),
    defaultSuggestionLimits,
  );
  const usedKeys = new Set(collected.batches.flatMap((b) => b.usedKeys));

  const estimated = estimate({
    records: collected.records,
    catalog: setup.catalog,
    regions: setup.regions,
    intensity,
    signal: opts.signal,
    gpuUtilization: opts.gpuUtilization,
  });
  const summary = summarize(estimated.records);
  const suggestions = suggest({ records: estimated.records, plans, intensity, signal: opts.signal });
  const budget = opts.budget
    ? evaluateBudget({ kg: opts.budget.kg, perDay: opts.budget.perDay, days: window.days, co2eKg: summary.totals.co2eKg, co2eHighKg: summary.totals.co2eHighKg })
    : null;
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
    // Candidate regions are priced for suggestions only; the provenance table lists the regions that were used.
    provenance: intensity.provenance.filter((p) => usedKeys.has(p.key)),
    warnings,
    failures,
    suggestions,
    budget,
  };
  for (const w of warnings) log.warn(w);
  for (const f of failures) log.error(f);
  if (opts.format === "csv" || opts.format === "json") {
    // stdout carries only data in these formats: where each region's intensity came from is told on stderr.
    for (const p of report.provenance) {
      log.info(`intensity ${p.key}${p.zone ? ` (${p.zone})` : ""}: ${p.source}${p.note ? ` (${p.note})` : ""}`);
    }
  }
  const budgetLines = budget ? budgetMessages(budget) : { warnings: [], errors: [] };
  for (const w of budgetLines.warnings) log.warn(w);
  for (const e of budgetLines.errors) log.error(e);
  if (opts.verbose) {
    for (const [id, counts] of Object.entries({ ...collected.requests, intensity: intensity.requests })) {
      log.verbose(`${id} requests: ${JSON.stringify(counts)}`);
    }
  }

  writeOutputs(report, {
    format: opts.format,
    stamp: opts.stamp,
    outDir,
    now: deps.now,
    env: deps.env,
    stdout: deps.stdout,
    color: deps.stdout.isTTY === true && !noColor,
    log,
  });
  // Precedence 2, 1, 4, 3 (ARCHITECTURE.md): 2 and 1 have returned or thrown before this point.
  if (budget?.exceeded) return ExitCode.budgetExceeded;
  return failures.length > 0 ? ExitCode.partial : ExitCode.ok;
}
