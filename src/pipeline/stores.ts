import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { CliOptions } from "../cli/options.js";
import type { Setup } from "./setup.js";
import { packageDataFile } from "../config/paths.js";
import { openEngine, type Engine } from "../engine/duckdb.js";
import { assertLedgerFree } from "../ledger/lock.js";
import { compareWithPrevious, type Comparison } from "../ledger/compare.js";
import { dataVersion, openLedgerSession, type LedgerSession } from "../ledger/session.js";
import type { Coverage, UpsertResult } from "../ledger/upsert.js";
import type { Summary } from "../calc/summary.js";
import type { RunSource } from "../report/model.js";

/** What a run writes to besides its report: the ledger, and the engine that Parquet and the ledger need. */
export interface Stores {
  ledger: LedgerSession | null;
  engine: Engine | null;
  close(): void;
}

/** --ledger, or the config file's `ledger` (relative to that file). */
export function ledgerDirOf(opts: CliOptions, setup: Setup, cwd: string): string | null {
  if (opts.ledgerDir !== null) return resolve(cwd, opts.ledgerDir);
  if (setup.config.ledger && opts.configFile) return resolve(dirname(resolve(cwd, opts.configFile)), setup.config.ledger);
  return null;
}

/** A ledger another run holds refuses this run before any provider is asked (exit 2, nothing created). */
export function checkLedgerFree(opts: CliOptions, setup: Setup, cwd: string): void {
  const dir = ledgerDirOf(opts, setup, cwd);
  if (dir) assertLedgerFree(dir);
}

/**
 * Opens the stores once the run's usage is in and checked, before anything is written: a ledger in use by
 * another run, or a missing engine, stops the run with nothing written. Plain runs load nothing here.
 */
export async function openStores(opts: CliOptions, setup: Setup, cwd: string, now: Date): Promise<Stores> {
  const dir = ledgerDirOf(opts, setup, cwd);
  const ledger = dir ? await openLedgerSession(dir, now, opts.groupKeys) : null;
  const engine = ledger?.engine ?? (opts.format === "parquet" ? await openEngine() : null);
  return {
    ledger,
    engine,
    close() {
      if (ledger) ledger.close();
      else engine?.close();
    },
  };
}

/** The days a run speaks for: the window asked of API sources; the data's own span for --input and --demo without a window. */
export function coverageOf(opts: CliOptions, window: { since: string; until: string }): Coverage {
  // Export files beside --providers are read for the window the APIs are asked for.
  const local = opts.demo || opts.inputFile !== null || (opts.exportPaths.length > 0 && opts.providers === null);
  return local && !opts.windowExplicit ? { kind: "data" } : { kind: "window", since: window.since, until: window.until };
}

export interface LedgerOutcome {
  written: UpsertResult;
  comparison: Comparison | null;
}

/** Upserts the run's staged rows, then compares the window with the period before it. */
export async function commitLedger(
  ledger: LedgerSession,
  opts: CliOptions,
  setup: Setup,
  window: { since: string; until: string; days: number },
  head: { options: { source: RunSource; intensity: string } },
  summary: Summary,
): Promise<LedgerOutcome> {
  const shipped = ["catalog.json", "regions.json", "availability.json"].map((n) => readFileSync(packageDataFile(n), "utf8"));
  const overrides = JSON.stringify([setup.config.catalog ?? null, setup.config.regions ?? null, setup.config.availability ?? null]);
  const written = await ledger.commit(coverageOf(opts, window), {
    dataVersion: dataVersion([...shipped, overrides]),
    signal: opts.signal,
    intensity: head.options.intensity,
    source: head.options.source,
  });
  const comparison = await compareWithPrevious(ledger.engine, ledger.dir, window, summary.totals.co2eKg);
  return { written, comparison };
}
