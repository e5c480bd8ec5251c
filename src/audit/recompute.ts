import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import { defaultSuggestionLimits, topPlans } from "../calc/suggestions.js";
import type { CliOptions } from "../cli/options.js";
import type { Engine } from "../engine/duckdb.js";
import { emptyTable } from "../intensity/static.js";
import type { IntensityProvider } from "../intensity/types.js";
import { Leftovers } from "../io/leftovers.js";
import type { WatchedStdout } from "../io/stdout.js";
import { createLogger } from "../log.js";
import { estimatePass } from "../pipeline/estimate-pass.js";
import { usageScan, type BatchIntensity } from "../pipeline/intensity-batch.js";
import { openOutputs } from "../pipeline/output.js";
import { reportData } from "../pipeline/report-data.js";
import { loadSetup } from "../pipeline/setup.js";
import type { UsageRecord } from "../schema.js";
import type { Redactor } from "../text/redact.js";
import { loadTable, packPaths, stdoutName } from "./material.js";
import type { ReadPack } from "./read-pack.js";

/** The pack's usage split as the run split it for the suggestion plans: per provider (API runs) or whole. */
function batchesOf(rows: readonly UsageRecord[], batching: ReadPack["run"]["batching"]): UsageRecord[][] {
  if (batching === "single") return [rows.slice()];
  const out: UsageRecord[][] = [];
  for (const r of rows) {
    const last = out.at(-1);
    if (last && last[0]!.provider === r.provider) last.push(r);
    else out.push([r]);
  }
  return out;
}

/** The intensity stage of a replay answers nothing: the tables the run applied come from the pack. */
const fromPack: IntensityProvider = { id: "pack", resolve: async () => emptyTable() };

/** stdout of a replay: into a file, to be compared with the run's captured stdout. */
function stdoutFile(path: string): WatchedStdout & { close(): void } {
  const fd = openSync(path, "wx");
  const put = (text: string): void => void writeSync(fd, text);
  return {
    error: null,
    readerLeft: false,
    write: put,
    writeAll: async (text) => put(text),
    close: () => closeSync(fd),
  };
}

/**
 * Runs the estimate and output stages of carbon-track on the pack alone (its usage, its intensity tables, its
 * factors and settings; no network, no config/ of the installed tool) and writes every output the run wrote into
 * `into`: the files as `into/<name>`, stdout as `into/stdout.<ext>`. The clock and the stamp are the run's.
 */
export async function recompute(pack: ReadPack, into: string, redactor: Redactor, loadEngine: () => Promise<Engine>): Promise<void> {
  const { run } = pack;
  const opts = { ...(pack.configuration.options as unknown as CliOptions), userConfig: pack.configuration.config as CliOptions["userConfig"] };
  const setup = loadSetup(opts, pack.dir, {
    shipped: pack.factor,
    ...(run.utilizationFile ? { utilizationPath: join(pack.dir, packPaths.utilization) } : {}),
  });
  const silent = createLogger({ stream: new Writable({ write: (_c, _e, done) => done() }), quiet: true, verbose: false, color: false, redactor });
  const batchDeps = {
    setup,
    gpuUtilization: opts.gpuUtilization,
    providers: { marginal: fromPack, average: fromPack },
    // Handed to the pack's providers only, which ask nothing: no cache, no clock but the run's, no network.
    ctx: { env: {}, log: silent, abort: new AbortController().signal, cacheDir: null, now: new Date(run.generatedAt), http: { timeoutMs: 1, retryBaseMs: 1, maxAttempts: 1 }, redactor },
  };
  const batches: BatchIntensity[] = [];
  for (const rows of batchesOf(pack.usage, run.batching)) {
    const scan = usageScan(batchDeps);
    for (const r of rows) scan.add(r);
    batches.push(await scan.resolve());
  }
  const tables = { marginal: loadTable(pack.tables.marginal), average: loadTable(pack.tables.average) };
  const signal = run.head.options.signal;
  const intensity = tables[signal];
  const companion = tables[signal === "marginal" ? "average" : "marginal"];
  const factors = {
    catalog: setup.catalog,
    regions: setup.regions,
    intensity,
    signal,
    companion,
    gpuUtilization: opts.gpuUtilization,
    utilizationRules: setup.utilizationRules,
    measured: setup.measured,
    embodied: opts.embodied,
  };
  const { format, html } = run.output;
  const outDir = join(into, "files");
  const fileFormat = format === "table" || format === "markdown" || format === "parquet";
  mkdirSync(into, { recursive: true });
  const stdout = stdoutFile(join(into, stdoutName(format)));
  const engine = format === "parquet" ? await loadEngine() : null;
  try {
    const output = openOutputs(run.head, {
      format,
      stamp: run.output.stamp,
      outDir: fileFormat || html ? outDir : null,
      now: new Date(run.generatedAt),
      env: {},
      stdout,
      leftovers: new Leftovers(),
      color: run.output.color,
      width: run.output.width,
      log: silent,
      redactor,
      latestOnPartial: run.output.latestOnPartial,
      engine,
      html,
      groupKeys: run.groupKeys,
    });
    const plans = topPlans(
      batches.flatMap((b) => b.plans),
      defaultSuggestionLimits,
    );
    const estimated = await estimatePass(() => pack.usage, factors, plans, output.record, () => undefined, run.groupKeys);
    const report = reportData(
      {
        head: run.head,
        estimated,
        budget: run.budget,
        groupBudgets: run.groupBudgets,
        sourceWarnings: pack.notes.warnings,
        sourceFailures: pack.notes.failures,
        intensity,
        companion,
        usedKeys: new Set(batches.flatMap((b) => b.usedKeys)),
        availability: setup.availability,
      },
      redactor,
    );
    if (pack.notes.comparison) report.comparison = pack.notes.comparison;
    await output.finish(report);
  } finally {
    stdout.close();
    engine?.close();
  }
}
