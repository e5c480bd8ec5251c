import { resolve } from "node:path";
import { defaultSuggestionLimits, topPlans } from "../calc/suggestions.js";
import { CarbonTrackError, ExitCode, UsageError } from "../errors.js";
import { defaultCacheDir } from "../intensity/cache.js";
import { appendProblem } from "../io/append-check.js";
import { Leftovers } from "../io/leftovers.js";
import { checkOutDir } from "../io/out-dir.js";
import { pacer } from "../io/pace.js";
import { endAfterStdoutFault, watchStdout } from "../io/stdout.js";
import { removeStaleTemporaries } from "../io/temp-names.js";
import { stderrWidth, terminalWidth, useColour } from "../io/terminal.js";
import { createLogger, rowCounter } from "../log.js";
import type { CarbonRecord } from "../schema.js";
import { httpPolicy, runDeadlineMs } from "../net/http-policy.js";
import type { Redactor } from "../text/redact.js";
import { collectUsage } from "./collect.js";
import { estimatePass } from "./estimate-pass.js";
import { mergeTables, runWindowMs, usageScan, type BatchDeps, type BatchIntensity, type UsageScan } from "./intensity-batch.js";
import { demoLocalUsage, readExportUsage, readInputUsage } from "./local-usage.js";
import { readTableUsage } from "./table-usage.js";
import { chooseIntensity } from "./intensity-choice.js";
import { parseCli, type CliOptions } from "../cli/options.js";
import type { ReportData } from "../report/model.js";
import { openOutputs, type OutputWriter } from "./output.js";
import { loadSetup, type Setup } from "./setup.js";
import { reportData } from "./report-data.js";
import { auditFor, type AuditPlan } from "../audit/run-hook.js";
import { checkLedgerFree, commitLedger, openStores, type Stores } from "./stores.js";
import { overBudget } from "./attribution.js";
import { chooseProviders } from "./choose-providers.js";
import { combinesSources, gatherCombined, type Gathered } from "./gather.js";
import { stopIfInterrupted } from "./interrupted.js";
import { readProgress, talk, withCount } from "./talk.js";

export interface RunDeps {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: Date;
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Aborted when the user interrupts the run (SIGINT, SIGTERM): requests stop and nothing is written. */
  interrupt: AbortSignal;
  /**
   * Where the run records its temporary files and the directories it creates until they are in place; the bin
   * passes one so that its backstop can sweep them if it must end a run that did not stop. Optional for callers
   * in the same process, which wait for the run to end.
   */
  leftovers?: Leftovers;
}

/** $GITHUB_STEP_SUMMARY is written at the end of the run: checked before the first request, like --out. */
function checkStepSummary(env: NodeJS.ProcessEnv): void {
  const path = env.GITHUB_STEP_SUMMARY;
  const problem = path ? appendProblem(path) : null;
  if (problem) throw new UsageError(`GITHUB_STEP_SUMMARY ${path} cannot be appended to: ${problem}`);
}

/** `redactor` knows the environment's secrets; the providers add the tokens they obtain. */
export async function run(deps: RunDeps, redactor: Redactor): Promise<number> {
  // Everything that can be wrong with the arguments and configuration is found here, before any file exists.
  const opts = parseCli(deps.argv, deps.now, { env: deps.env, cwd: deps.cwd });
  const setup = loadSetup(opts, deps.cwd);
  if (opts.dryRun) return dryRunOf(deps, redactor, opts, setup);
  const outDir = opts.format === "table" || opts.format === "markdown" || opts.format === "parquet" || opts.html ? checkOutDir(opts.outDir, deps.cwd) : null;
  checkStepSummary(deps.env);
  checkLedgerFree(opts, setup, deps.cwd);
  const audit = auditFor(opts, deps, outDir);
  const opened: { stores: Stores | null } = { stores: null };
  try {
    return await runStages(deps, redactor, opts, setup, outDir, opened, audit);
  } finally {
    opened.stores?.close();
  }
}

/** --dry-run: the same checks as a run, then the plan; the module loads only when asked for. */
async function dryRunOf(deps: RunDeps, redactor: Redactor, opts: CliOptions, setup: Setup): Promise<number> {
  const intensity = chooseIntensity(opts, deps.env);
  const local = opts.demo || opts.inputFile || opts.exportPaths.length > 0 || setup.athena || setup.focusTable;
  const providers = local && !combinesSources(opts, setup) ? null : chooseProviders(opts, setup, deps.env);
  const log = createLogger({ stream: deps.stderr, quiet: opts.quiet, verbose: opts.verbose, color: false, redactor });
  const { dryRun } = await import("./dry-run.js");
  return dryRun(deps, { opts, setup, providers, intensity, log, http: httpPolicy(deps.env), redactor });
}

async function runStages(
  deps: RunDeps,
  redactor: Redactor,
  opts: CliOptions,
  setup: Setup,
  outDir: string | null,
  opened: { stores: Stores | null },
  audit: AuditPlan | null,
): Promise<number> {
  const signalChoices = chooseIntensity(opts, deps.env);
  const intensityChoice = signalChoices.marginal;
  const table = setup.athena !== null || setup.focusTable !== null;
  const local = opts.demo || opts.inputFile !== null || opts.exportPaths.length > 0 || table;
  const combined = combinesSources(opts, setup);
  const providers = local && !combined ? null : chooseProviders(opts, setup, deps.env);
  if (outDir) removeStaleTemporaries(outDir);
  audit?.sweepStale();
  const leftovers = deps.leftovers ?? new Leftovers();
  const stdout = watchStdout(deps.stdout);
  // What an interrupt leaves: csv and json stream to stdout as rows are estimated, so part of the data may be there.
  const lost = opts.format === "csv" || opts.format === "json" ? "the data on stdout is incomplete" : "nothing was written";
  const interrupted = (): void => stopIfInterrupted(deps.interrupt, lost);

  const log = createLogger({ stream: deps.stderr, quiet: opts.quiet, verbose: opts.verbose, color: useColour(deps.stderr, deps.env), redactor, width: stderrWidth(deps.stderr) });
  const http = httpPolicy(deps.env);

  const [marginalProvider, averageProvider] = await Promise.all([intensityChoice.load(), signalChoices.average.load()]);
  const batchDeps: BatchDeps = {
    setup,
    gpuUtilization: opts.gpuUtilization,
    providers: { marginal: marginalProvider, average: averageProvider },
    ctx: {
      env: deps.env,
      log,
      abort: deps.interrupt,
      cacheDir: opts.cache ? defaultCacheDir(deps.env, process.platform) : null,
      now: deps.now,
      http,
      redactor,
      // Each provider's calls ask for their own days: WattTime fetches the window's blocks once for all of them.
      window: local ? null : runWindowMs(opts.window),
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
  if (combined) {
    const deadlineMs = runDeadlineMs(deps.env);
    const inputs = { opts, setup, providers: providers!, cwd: deps.cwd, env: deps.env, interrupt: deps.interrupt, log, http, redactor, audit, deadlineMs };
    gathered = await gatherCombined({ ...inputs, scan: usageScan(batchDeps), resolve: resolveScanned });
  } else if (table) {
    const { local: usage, requests } = await readTableUsage(opts, setup, { env: deps.env, http, signal: deps.interrupt, log, redactor, record: audit?.recordTable }, usageScan(batchDeps));
    const { rows, window, providers: seen, warnings } = usage;
    gathered = { rows, window, providers: seen, warnings, failures: [], requests, batches: [await resolveScanned(usage.scan)] };
  } else if (local) {
    const scan = usageScan(batchDeps);
    const usage = opts.demo
      ? demoLocalUsage(opts, log, scan)
      : opts.inputFile
        ? await readInputUsage(resolve(deps.cwd, opts.inputFile), opts, scan, readProgress(log, opts.inputFile, () => stopIfInterrupted(deps.interrupt)))
        : await readExportUsage(opts.exportPaths.map((p) => resolve(deps.cwd, p)), opts, log, scan, audit?.recordExport);
    const { rows, window, providers: seen, warnings } = usage;
    gathered = { rows, window, providers: seen, warnings, failures: [], requests: {}, batches: [await resolveScanned(usage.scan)] };
  } else {
    const sourceCtx = { window: opts.window, env: deps.env, config: setup.config, catalog: setup.catalog, log, signal: deps.interrupt, http, redactor, groupKeys: opts.groupKeys, recordQuery: audit?.record };
    marginalProvider.prepare?.(batchDeps.ctx);
    const collected = await collectUsage(providers!, sourceCtx, async (records) => {
      const scan = usageScan(batchDeps);
      const pace = pacer(() => stopIfInterrupted(deps.interrupt));
      for (const r of records) {
        scan.add(r);
        const turn = pace();
        if (turn) await turn;
      }
      return resolveScanned(scan);
    }, runDeadlineMs(deps.env));
    // An interrupt makes the providers fail: that is not "no provider answered".
    stopIfInterrupted(deps.interrupt);
    if (collected.failedProviders.length === providers!.length) {
      for (const f of collected.failures) log.error(f);
      log.error("no provider answered: nothing was written");
      return ExitCode.error;
    }
    const { warnings, failures, requests, batches } = collected;
    gathered = { rows: () => collected.records, window: opts.window, providers: providers!, warnings, failures, requests, batches };
  }
  stopIfInterrupted(deps.interrupt);
  // Once the usage is read and checked (a bad --input is exit 2 with nothing created): the ledger's lock, the engine.
  const stores = (opened.stores = await openStores(opts, setup, deps.cwd, deps.now));
  const { window } = gathered;
  const tables = {
    marginal: mergeTables(gathered.batches.map((b) => b.tables.marginal)),
    average: mergeTables(gathered.batches.map((b) => b.tables.average)),
  };
  const otherSignal = opts.signal === "marginal" ? "average" : "marginal";
  const intensity = tables[opts.signal];
  const companion = tables[otherSignal];
  const plans = topPlans(
    gathered.batches.flatMap((b) => b.plans),
    defaultSuggestionLimits,
  );
  const usedKeys = new Set(gathered.batches.flatMap((b) => b.usedKeys));

  const head = {
    schemaVersion: 1 as const,
    period: { since: window.since, until: window.until, days: window.days, granularity: window.granularity },
    options: {
      source: opts.demo ? ("demo" as const) : combined ? ("input+providers" as const) : local ? ("input" as const) : ("providers" as const),
      providers: gathered.providers,
      gpuUtilization: opts.gpuUtilization,
      utilizationRules: setup.utilizationRules.length,
      utilizationFile: opts.utilizationFile,
      signal: opts.signal,
      intensity: intensityChoice.label,
      location: signalChoices.average.label,
      inventorySignal: "average" as const,
      decisionSignal: "marginal" as const,
      embodied: opts.embodied ? { lifetimeYears: setup.catalog.embodied.lifetimeYears.value, occupancy: setup.catalog.embodied.occupancy.value } : null,
    },
  };
  const factors = {
    catalog: setup.catalog,
    regions: setup.regions,
    intensity,
    signal: opts.signal,
    companion,
    gpuUtilization: opts.gpuUtilization,
    utilizationRules: setup.utilizationRules,
    measured: setup.measured,
    embodied: opts.embodied,
  };
  const { ledger } = stores;
  let output: OutputWriter | null = null;
  let report: ReportData;
  try {
    const color = useColour(deps.stdout, deps.env);
    const width = terminalWidth(deps.stdout, deps.env);
    const pack = audit?.open({ rows: gathered.rows, batching: local ? "single" : "per-provider", tables, sourceWarnings: gathered.warnings, sourceFailures: gathered.failures, head, color, width }, setup, leftovers, redactor);
    const out = (output = openOutputs(head, {
      seal: pack?.seal,
      format: opts.format,
      stamp: opts.stamp,
      outDir,
      now: deps.now,
      env: deps.env,
      stdout: pack ? pack.tee(stdout) : stdout,
      leftovers,
      color,
      width,
      log,
      redactor,
      latestOnPartial: opts.latestOnPartial,
      engine: stores.engine,
      html: opts.html,
      groupKeys: opts.groupKeys,
    }));
    const sink = ledger
      ? (r: CarbonRecord) => {
          ledger.add(r);
          return out.record(r);
        }
      : out.record;
    const estimated = await estimatePass(gathered.rows, factors, plans, sink, withCount(rowCounter(log, (n) => `estimating and writing: ${n} rows`), pacer(interrupted)), opts.groupKeys);
    log.endProgress?.();
    const { summary } = estimated;
    if (summary.totals.rows === 0) {
      for (const f of gathered.failures) log.error(redactor.redact(f));
      throw new CarbonTrackError("no usage in the window: nothing was written", ExitCode.error);
    }
    report = reportData(
      {
        head,
        estimated,
        budget: opts.budget,
        groupBudgets: opts.groupBudgets,
        sourceWarnings: gathered.warnings,
        sourceFailures: gathered.failures,
        intensity,
        companion,
        usedKeys,
        availability: setup.availability,
      },
      redactor,
    );
    talk(report, opts, log, { ...gathered.requests, intensity: tables.marginal.requests, location: tables.average.requests });
    interrupted();
    if (ledger) {
      const { written, comparison } = await commitLedger(ledger, opts, setup, window, head, summary);
      log.info(`ledger ${ledger.dir}: ${written.partitionsWritten} partitions rewritten (${written.rows} rows)`);
      if (comparison) report.comparison = comparison;
    }
    await output.finish(report);
  } catch (err) {
    if (output) output.discard();
    else leftovers.sweep();
    return endAfterStdoutFault(err, stdout, deps.interrupt.aborted, lost);
  }
  // Precedence 2, 1, 4, 3 (ARCHITECTURE.md): 2 and 1 have returned or thrown before this point.
  if (overBudget(report)) return ExitCode.budgetExceeded;
  return report.failures.length > 0 ? ExitCode.partial : ExitCode.ok;
}
