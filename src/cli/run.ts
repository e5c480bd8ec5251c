import { statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { evaluateBudget } from "../calc/budget.js";
import { defaultSuggestionLimits, topPlans } from "../calc/suggestions.js";
import { CarbonTrackError, ExitCode, UsageError } from "../errors.js";
import { defaultCacheDir } from "../intensity/cache.js";
import { createLogger } from "../log.js";
import { budgetMessages } from "../report/budget-text.js";
import type { ProviderId } from "../schema.js";
import { sources } from "../sources/registry.js";
import type { HttpPolicy } from "../sources/types.js";
import { collectUsage, type Collected } from "./collect.js";
import { estimatePass, type Estimated, type UsageRows } from "./estimate-pass.js";
import { mergeTables, usageScan, type BatchDeps, type BatchIntensity, type UsageScan } from "./intensity-batch.js";
import { demoLocalUsage, readInputUsage } from "./local-usage.js";
import { chooseIntensity } from "./intensity-choice.js";
import { parseCli, type CliOptions } from "./options.js";
import type { ReportData } from "../report/model.js";
import { openOutputs } from "./output.js";
import { loadSetup, type Setup } from "./setup.js";
import { describeEstimateWarning } from "./warnings.js";

export interface RunDeps {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: Date;
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Aborted when the user interrupts the run (SIGINT, SIGTERM): requests stop and nothing is written. */
  interrupt: AbortSignal;
}

function stopIfInterrupted(signal: AbortSignal, what = "nothing was written"): void {
  if (signal.aborted) throw new CarbonTrackError(`interrupted: ${what}`, ExitCode.interrupted);
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

/** The usage of a run, wherever it came from: rows to read (once more), and what the intensity stage made of them. */
interface Gathered extends Omit<Collected<BatchIntensity>, "records" | "failedProviders"> {
  rows: UsageRows;
  window: CliOptions["window"];
  providers: string[];
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
  const http = httpPolicy(deps.env);

  const intensityProvider = await intensityChoice.load();
  const batchDeps: BatchDeps = {
    setup,
    signal: opts.signal,
    gpuUtilization: opts.gpuUtilization,
    provider: intensityProvider,
    ctx: {
      signal: opts.signal,
      env: deps.env,
      log,
      abort: deps.interrupt,
      cacheDir: opts.cache ? defaultCacheDir(deps.env, process.platform) : null,
      now: deps.now,
      http,
    },
  };
  // The hint comes once the usage is read: a bad --input must still give exactly one line.
  let hint = intensityChoice.hint;
  const resolveScanned = (scan: UsageScan): Promise<BatchIntensity> => {
    if (hint) log.info(`note: ${hint}`);
    hint = null;
    log.progress("resolving grid intensity");
    return scan.resolve();
  };

  let gathered: Gathered;
  if (opts.demo || opts.inputFile) {
    const scan = usageScan(batchDeps);
    const local = opts.demo ? demoLocalUsage(opts, log, scan) : await readInputUsage(resolve(deps.cwd, opts.inputFile!), opts, scan);
    const { rows, window, providers: seen, warnings } = local;
    gathered = { rows, window, providers: seen, warnings, failures: [], requests: {}, batches: [await resolveScanned(local.scan)] };
  } else {
    const sourceCtx = { window: opts.window, env: deps.env, config: setup.config, catalog: setup.catalog, log, signal: deps.interrupt, http };
    const collected = await collectUsage(providers!, sourceCtx, (records) => {
      const scan = usageScan(batchDeps);
      for (const r of records) scan.add(r);
      return resolveScanned(scan);
    });
    if (collected.failedProviders.length === providers!.length) {
      for (const f of collected.failures) log.error(f);
      log.error("no provider answered: nothing was written");
      return ExitCode.error;
    }
    const { warnings, failures, requests, batches } = collected;
    gathered = { rows: () => collected.records, window: opts.window, providers: providers!, warnings, failures, requests, batches };
  }
  stopIfInterrupted(deps.interrupt);
  const { window } = gathered;
  const intensity = mergeTables(gathered.batches.map((b) => b.table));
  const plans = topPlans(
    gathered.batches.flatMap((b) => b.plans),
    defaultSuggestionLimits,
  );
  const usedKeys = new Set(gathered.batches.flatMap((b) => b.usedKeys));

  const head = {
    schemaVersion: 1 as const,
    period: { since: window.since, until: window.until, days: window.days, granularity: window.granularity },
    options: {
      source: opts.demo ? ("demo" as const) : opts.inputFile ? ("input" as const) : ("providers" as const),
      providers: gathered.providers,
      gpuUtilization: opts.gpuUtilization,
      utilizationRules: setup.utilizationRules.length,
      utilizationFile: opts.utilizationFile,
      signal: opts.signal,
      intensity: intensityChoice.label,
      embodied: opts.embodied ? { lifetimeYears: setup.catalog.embodied.lifetimeYears.value, occupancy: setup.catalog.embodied.occupancy.value } : null,
    },
  };
  const output = openOutputs(head, {
    format: opts.format,
    stamp: opts.stamp,
    outDir,
    now: deps.now,
    env: deps.env,
    stdout: deps.stdout,
    color: deps.stdout.isTTY === true && !noColor,
    log,
  });
  const factors = {
    catalog: setup.catalog,
    regions: setup.regions,
    intensity,
    signal: opts.signal,
    gpuUtilization: opts.gpuUtilization,
    utilizationRules: setup.utilizationRules,
    measured: setup.measured,
    embodied: opts.embodied,
  };
  let estimated: Estimated;
  try {
    estimated = await estimatePass(gathered.rows, factors, plans, output.record);
  } catch (err) {
    output.discard();
    throw err;
  }
  const { summary } = estimated;
  const budget = opts.budget
    ? evaluateBudget({ kg: opts.budget.kg, perDay: opts.budget.perDay, days: window.days, co2eKg: summary.totals.co2eKg, co2eHighKg: summary.totals.co2eHighKg })
    : null;
  const warnings = [...gathered.warnings, ...intensity.warnings, ...estimated.warnings.map(describeEstimateWarning)];
  const failures = [...gathered.failures, ...intensity.failures];
  const report: ReportData = {
    ...head,
    summary,
    // Candidate regions are priced for suggestions only; the provenance table lists the regions that were used.
    provenance: intensity.provenance.filter((p) => usedKeys.has(p.key)),
    warnings,
    failures,
    suggestions: estimated.suggestions,
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
    for (const [id, counts] of Object.entries({ ...gathered.requests, intensity: intensity.requests })) {
      log.verbose(`${id} requests: ${JSON.stringify(counts)}`);
    }
  }
  try {
    // csv and json stream to stdout as rows are estimated: by now part of the data is there.
    stopIfInterrupted(deps.interrupt, outDir ? "nothing was written" : "the data on stdout is incomplete");
    await output.finish(report);
  } catch (err) {
    output.discard();
    throw err;
  }
  // Precedence 2, 1, 4, 3 (ARCHITECTURE.md): 2 and 1 have returned or thrown before this point.
  if (budget?.exceeded) return ExitCode.budgetExceeded;
  return failures.length > 0 ? ExitCode.partial : ExitCode.ok;
}
