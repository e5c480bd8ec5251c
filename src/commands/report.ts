import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { summaryBuilder } from "../calc/summary.js";
import { daysBetween, parseDay } from "../cli/dates.js";
import { openOutputs } from "../pipeline/output.js";
import type { RunDeps } from "../pipeline/run.js";
import { openEngine, type Engine } from "../engine/duckdb.js";
import { CarbonTrackError, ExitCode, UsageError } from "../errors.js";
import type { RegionProvenance } from "../intensity/types.js";
import { compareWithPrevious } from "../ledger/compare.js";
import { currentGeneration } from "../ledger/generations.js";
import { ledgerRows } from "../ledger/read.js";
import { recordSelect, toCarbonRecord, windowFilter } from "../ledger/records.js";
import { Leftovers } from "../io/leftovers.js";
import { checkOutDir } from "../io/out-dir.js";
import { endAfterStdoutFault, watchStdout } from "../io/stdout.js";
import { stderrWidth, terminalWidth, useColour } from "../io/terminal.js";
import { createLogger } from "../log.js";
import type { ReportData } from "../report/model.js";
import type { Redactor } from "../text/redact.js";
import { parseReportCli } from "./report-options.js";

const day = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v)).slice(0, 10);

/** Where each region's intensity came from, as the rows in the window record it. */
async function provenanceOf(engine: Engine, rows: string, filter: string): Promise<RegionProvenance[]> {
  const found = await engine.rows(
    `SELECT provider || ':' || region AS key, any_value(intensity_signal) AS signal,
            string_agg(DISTINCT intensity_source, '; ' ORDER BY intensity_source) AS source,
            coalesce(string_agg(DISTINCT nullif(intensity_note, ''), '; ' ORDER BY nullif(intensity_note, '')), '') AS note,
            coalesce(sum(intensity_kg_per_kwh * facility_energy_kwh) / nullif(sum(facility_energy_kwh), 0), avg(intensity_kg_per_kwh)) AS mean
     FROM ${rows} WHERE ${filter} GROUP BY ALL ORDER BY key`,
  );
  return found.map((p) => ({
    key: String(p.key),
    zone: null,
    signal: p.signal === "average" ? "average" : "marginal",
    source: String(p.source),
    note: String(p.note),
    meanKgPerKwh: Number(p.mean),
  }));
}

/**
 * `carbon-track report --ledger DIR`: the same tables, charts and files as a run, from the ledger alone (no
 * credentials, no network), for any window it covers; without a window, its whole span.
 */
export async function report(deps: RunDeps, redactor: Redactor): Promise<number> {
  const opts = parseReportCli(deps.argv, deps.now);
  const dir = resolve(deps.cwd, opts.ledgerDir);
  if (!existsSync(dir) || currentGeneration(dir) === null) throw new UsageError(`--ledger ${opts.ledgerDir} holds no ledger: runs with --ledger ${opts.ledgerDir} fill it`);
  const fileFormat = opts.format === "table" || opts.format === "markdown" || opts.format === "parquet";
  const outDir = fileFormat || opts.html ? checkOutDir(opts.outDir, deps.cwd) : null;

  const log = createLogger({ stream: deps.stderr, quiet: opts.quiet, verbose: opts.verbose, color: useColour(deps.stderr, deps.env), redactor, width: stderrWidth(deps.stderr) });
  const engine = await openEngine();
  try {
    const rows = ledgerRows(dir);
    if (rows === null) throw new CarbonTrackError("no usage in the window: nothing was written", ExitCode.error);
    let window = opts.window;
    if (window === null) {
      const [span] = await engine.rows(`SELECT min(period_start) AS lo, max(period_start) AS hi FROM ${rows}`);
      const [since, until] = [day(span!.lo), day(span!.hi)];
      window = { since, until, days: daysBetween(parseDay(since, "since"), parseDay(until, "until")) };
    }
    const filter = windowFilter(window);
    const [meta] = await engine.rows(
      `SELECT count(*)::INTEGER AS n, string_agg(DISTINCT provider, ',' ORDER BY provider) AS providers,
              mode(gpu_utilization) AS u, mode(intensity_signal) AS signal,
              string_agg(DISTINCT run_intensity, ', ' ORDER BY run_intensity) AS intensity,
              bool_or(period_end - period_start < INTERVAL 1 DAY) AS hourly
       FROM ${rows} WHERE ${filter}`,
    );
    if (!meta || meta.n === 0) throw new CarbonTrackError("no usage in the window: nothing was written", ExitCode.error);
    const head = {
      schemaVersion: 1 as const,
      period: { since: window.since, until: window.until, days: window.days, granularity: meta.hourly === true ? ("hourly" as const) : ("daily" as const) },
      options: {
        source: "ledger" as const,
        providers: String(meta.providers).split(","),
        gpuUtilization: Number(meta.u),
        // Each row says what set its u (utilization_rule); the run's rules and files are not in the ledger.
        utilizationRules: 0,
        utilizationFile: null,
        signal: meta.signal === "average" ? ("average" as const) : ("marginal" as const),
        intensity: `ledger: ${String(meta.intensity)}`,
        // The rows carry their embodied figures; the amortisation the runs used is in their data_version, not here.
        embodied: null,
      },
    };
    const stdout = watchStdout(deps.stdout);
    const output = openOutputs(head, {
      format: opts.format,
      stamp: opts.stamp,
      outDir,
      now: deps.now,
      env: deps.env,
      stdout,
      leftovers: deps.leftovers ?? new Leftovers(),
      color: useColour(deps.stdout, deps.env),
      width: terminalWidth(deps.stdout, deps.env),
      log,
      redactor,
      latestOnPartial: false,
      engine,
      html: opts.html,
    });
    const summary = summaryBuilder();
    try {
      for await (const chunk of engine.stream(`SELECT ${recordSelect} FROM ${rows} WHERE ${filter} ORDER BY period_start, provider, account, region, instance_type, unit`)) {
        for (const row of chunk) {
          const r = toCarbonRecord(row);
          summary.add(r);
          const wait = output.record(r);
          if (wait) await wait;
        }
      }
      const totals = summary.finish();
      const data: ReportData = {
        ...head,
        summary: totals,
        provenance: await provenanceOf(engine, rows, filter),
        warnings: [],
        failures: [],
        // Cleaner regions need every candidate region's intensity for the same periods: a run works them out.
        suggestions: [],
        budget: null,
      };
      const comparison = await compareWithPrevious(engine, dir, window, totals.totals.co2eKg);
      if (comparison) data.comparison = comparison;
      if (deps.interrupt.aborted) throw new CarbonTrackError("interrupted: nothing was written", ExitCode.interrupted);
      await output.finish(data);
    } catch (err) {
      output.discard();
      return endAfterStdoutFault(err, stdout, deps.interrupt.aborted, fileFormat ? "nothing was written" : "the data on stdout is incomplete");
    }
    return ExitCode.ok;
  } finally {
    engine.close();
  }
}
