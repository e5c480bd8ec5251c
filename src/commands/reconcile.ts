import { join, resolve } from "node:path";
import { openEngine, type Engine } from "../engine/duckdb.js";
import { CarbonTrackError, ExitCode, UsageError } from "../errors.js";
import { Leftovers } from "../io/leftovers.js";
import { staging } from "../io/atomic.js";
import { checkOutDir, createOutDir } from "../io/out-dir.js";
import { endAfterStdoutFault, watchStdout } from "../io/stdout.js";
import { stderrWidth, terminalWidth, useColour } from "../io/terminal.js";
import { createLogger, type Logger } from "../log.js";
import { httpPolicy } from "../net/http-policy.js";
import type { RunDeps } from "../pipeline/run.js";
import { fileStamp } from "../report/files.js";
import { readAwsCarbonAthena, readAwsCarbonFiles } from "../reconcile/aws-sources.js";
import { readAzureCarbon } from "../reconcile/azure-carbon.js";
import { compare } from "../reconcile/compare.js";
import { readGcpCarbon } from "../reconcile/gcp-carbon.js";
import { readGpuSide, type GpuSide } from "../reconcile/gpu-side.js";
import type { Month, ProviderFigures } from "../reconcile/model.js";
import { readPrevious } from "../reconcile/previous.js";
import { reconCsv, reconTable, type ReconJson } from "../reconcile/render.js";
import type { Redactor } from "../text/redact.js";
import { parseReconcileCli, type ReconcileOptions } from "./reconcile-options.js";

type Reader = { name: string; read: () => Promise<ProviderFigures> };

/** The providers' sources the options name, each a read that may fail on its own. */
function readers(opts: ReconcileOptions, deps: RunDeps, redactor: Redactor, engine: Engine, months: { since: Month; until: Month }, log: Logger): Reader[] {
  const http = httpPolicy(deps.env);
  const signal = deps.interrupt;
  const out: Reader[] = [];
  if (opts.awsFiles.length > 0) out.push({ name: "aws", read: () => readAwsCarbonFiles(engine, opts.awsFiles.map((p) => resolve(deps.cwd, p)), months) });
  if (opts.awsAthena) out.push({ name: "aws", read: () => readAwsCarbonAthena({ ...opts.awsAthena!, env: deps.env, http, signal, log }, months) });
  if (opts.gcpTable) out.push({ name: "gcp", read: () => readGcpCarbon({ table: opts.gcpTable!, env: deps.env, http, signal, redactor }, months) });
  if (opts.azureSubscriptions.length > 0) out.push({ name: "azure", read: () => readAzureCarbon({ subscriptions: opts.azureSubscriptions, env: deps.env, http, signal, redactor }, months) });
  return out;
}

function monthsOf(side: GpuSide, given: ReconcileOptions["months"], from: string): { since: Month; until: Month } {
  if (given) return given;
  const months = side.cells.map((c) => c.month).sort();
  if (months.length === 0) throw new UsageError(`${from} holds no GPU rows: nothing to reconcile`);
  return { since: months[0]!, until: months.at(-1)! };
}

/**
 * `carbon-track reconcile`: the providers' own monthly carbon figures beside carbon-track's location-based GPU
 * figures, per month × account × region, with the ratio and why they differ (docs/reconciliation.md). A provider
 * whose figures cannot be read is named and the others are compared (exit 3); none readable is exit 1.
 */
export async function reconcile(deps: RunDeps, redactor: Redactor): Promise<number> {
  const opts = parseReconcileCli(deps.argv);
  const outDir = opts.format === "table" ? checkOutDir(opts.outDir, deps.cwd) : null;
  const previous = opts.previous === null ? null : readPrevious(resolve(deps.cwd, opts.previous), opts.previous);
  const log = createLogger({ stream: deps.stderr, quiet: opts.quiet, verbose: opts.verbose, color: useColour(deps.stderr, deps.env), redactor, width: stderrWidth(deps.stderr) });
  const from = opts.gpu.kind === "ledger" ? `--ledger ${opts.gpu.given}` : `--detail ${opts.gpu.given}`;
  const engine = await openEngine();
  try {
    const source = opts.gpu.kind === "ledger" ? { kind: "ledger" as const, dir: resolve(deps.cwd, opts.gpu.given), given: opts.gpu.given } : { kind: "detail" as const, path: resolve(deps.cwd, opts.gpu.given), given: opts.gpu.given };
    const gpu = await readGpuSide(engine, source, opts.months);
    const months = monthsOf(gpu, opts.months, from);

    const figures: ProviderFigures[] = [];
    const failures: string[] = [];
    for (const reader of readers(opts, deps, redactor, engine, months, log)) {
      log.progress(`${reader.name}: reading its carbon figures for ${months.since} to ${months.until}`);
      try {
        const f = await reader.read();
        figures.push(f);
        log.verbose(`${reader.name}: ${f.source}: ${f.cells.length} cells`);
      } catch (err) {
        if (deps.interrupt.aborted) throw new CarbonTrackError("interrupted: nothing was written", ExitCode.interrupted);
        if (err instanceof UsageError) throw err;
        const message = err instanceof CarbonTrackError ? err.message : `${reader.name}: ${String((err as Error)?.message ?? err).split("\n")[0]}`;
        failures.push(message);
        log.error(message);
      }
    }
    if (deps.interrupt.aborted) throw new CarbonTrackError("interrupted: nothing was written", ExitCode.interrupted);
    if (figures.length === 0) throw new CarbonTrackError("no provider's carbon figures could be read: nothing was written", ExitCode.error);

    const result = compare({ gpu: gpu.cells, figures, span: gpu.span, previous });
    const warnings = figures.flatMap((f) => f.warnings);
    for (const [provider, n] of result.otherAccounts) warnings.push(`${provider}: ${n} account${n === 1 ? "" : "s"} with compute emissions but no GPU rows in carbon-track's figures left out`);
    for (const w of warnings) log.warn(w);
    const flagged = result.rows.filter((r) => r.modelFlags.length > 0);
    for (const month of new Set(flagged.map((r) => `${r.provider} ${r.month}: ${r.modelFlags.join(", ")} (model ${r.modelVersion ?? "-"})`))) log.warn(`model version: ${month}`);

    log.endProgress?.();
    let text: string;
    if (opts.format === "csv") text = reconCsv(result.rows);
    else if (opts.format === "json") {
      const doc: ReconJson = { schemaVersion: 1, months, sources: figures.map((f) => `${f.provider}: ${f.source}`), rows: result.rows, warnings, failures };
      text = `${JSON.stringify(doc, null, 2)}\n`;
    } else {
      // The file first: a stdout that fails (a closed pipe) must not cost it.
      const leftovers = deps.leftovers ?? new Leftovers();
      createOutDir(outDir!, leftovers);
      const files = staging(leftovers);
      const path = join(outDir!, `carbon_reconcile${fileStamp(deps.now, opts.stamp)}.csv`);
      files.add(path, reconCsv(result.rows));
      files.commit();
      log.info(`wrote ${path}`);
      const color = useColour(deps.stdout, deps.env);
      text = `${reconTable(result.rows, terminalWidth(deps.stdout, deps.env), { head: (t) => (color ? `\x1b[1m${t}\x1b[22m` : t), color })}\n`;
    }
    const stdout = watchStdout(deps.stdout);
    try {
      await stdout.writeAll(text);
    } catch (err) {
      return endAfterStdoutFault(err, stdout, deps.interrupt.aborted, opts.format === "table" ? "the CSV file was written" : "the data on stdout is incomplete");
    }
    return failures.length > 0 ? ExitCode.partial : ExitCode.ok;
  } finally {
    engine.close();
  }
}
