import { resolve } from "node:path";
import type { AuditPlan } from "../audit/run-hook.js";
import type { CliOptions } from "../cli/options.js";
import { UsageError } from "../errors.js";
import { pacer } from "../io/pace.js";
import type { Logger } from "../log.js";
import type { HttpPolicy } from "../net/http-policy.js";
import type { ProviderId, UsageRecord } from "../schema.js";
import type { Redactor } from "../text/redact.js";
import { collectUsage, type Collected } from "./collect.js";
import type { UsageRows } from "./estimate-pass.js";
import type { BatchIntensity, UsageScan } from "./intensity-batch.js";
import { stopIfInterrupted } from "./interrupted.js";
import { readExportUsage, type LocalUsage } from "./local-usage.js";
import type { Setup } from "./setup.js";
import { readTableUsage } from "./table-usage.js";

/** The usage of a run, wherever it came from: rows to read (once more), and what the intensity stage made of them. */
export interface Gathered extends Omit<Collected<BatchIntensity>, "records" | "failedProviders"> {
  rows: UsageRows;
  window: CliOptions["window"];
  providers: string[];
}

/** An export or a table named beside --providers: the run reads the one and queries the other's APIs. */
export const combinesSources = (opts: CliOptions, setup: Setup): boolean =>
  opts.providers !== null && (opts.exportPaths.length > 0 || setup.athena !== null || setup.focusTable !== null);

/** The export or table source of a run, as the refusal of an overlap names it. */
function localSourceName(opts: CliOptions, setup: Setup): string {
  if (setup.athena) return `the Athena table ${setup.athena.table} (--athena-table)`;
  if (setup.focusTable) return `the BigQuery table ${setup.focusTable} (--focus-table)`;
  return `the export files (--export)`;
}

export interface CombinedContext {
  opts: CliOptions;
  setup: Setup;
  /** The APIs to query, as --providers named them (checked as configured). */
  providers: ProviderId[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  interrupt: AbortSignal;
  log: Logger;
  http: HttpPolicy;
  redactor: Redactor;
  audit: AuditPlan | null;
  /** The run's one batch: the local rows, then the providers' (the order an --audit replay scans them in). */
  scan: UsageScan;
  resolve: (scan: UsageScan) => Promise<BatchIntensity>;
  deadlineMs: number;
}

/** The export files or the table, read into the run's one scan; requests by service. */
async function readLocal(c: CombinedContext): Promise<{ usage: LocalUsage; requests: Record<string, Record<string, number>> }> {
  const { opts, setup, log } = c;
  if (setup.athena || setup.focusTable) {
    const { local, requests } = await readTableUsage(opts, setup, { env: c.env, http: c.http, signal: c.interrupt, log, redactor: c.redactor, record: c.audit?.recordTable }, c.scan);
    return { usage: local, requests };
  }
  // The APIs are asked for the run's window (30 days without one): the files are read for the same days, not their own span.
  const windowed = { ...opts, windowExplicit: true };
  return { usage: await readExportUsage(opts.exportPaths.map((p) => resolve(c.cwd, p)), windowed, log, c.scan, c.audit?.recordExport), requests: {} };
}

/**
 * --export, --athena-table or --focus-table with --providers. The local source is read first: which providers it
 * holds is known only then, and a provider both in it and among the APIs would count the same hours twice, so it
 * is refused (exit 2) before any API request is sent and before anything is created. Then the APIs are queried as
 * in any run: one failing leaves the others and the export's rows to be written (exit 3).
 */
export async function gatherCombined(c: CombinedContext): Promise<Gathered> {
  const { opts, setup, log } = c;
  const local = await readLocal(c);
  stopIfInterrupted(c.interrupt);
  const both = c.providers.filter((id) => local.usage.providers.includes(id));
  if (both.length > 0) {
    const names = both.join(", ");
    throw new UsageError(
      `${names}: in ${localSourceName(opts, setup)} and asked of the API by --providers: the same hours would count twice; leave ${names} out of --providers`,
    );
  }
  const sourceCtx = { window: opts.window, env: c.env, config: setup.config, catalog: setup.catalog, log, signal: c.interrupt, http: c.http, redactor: c.redactor, groupKeys: opts.groupKeys, recordQuery: c.audit?.record };
  const collected = await collectUsage(c.providers, sourceCtx, async () => undefined, c.deadlineMs);
  // An interrupt makes the providers fail: that is not a partial run.
  stopIfInterrupted(c.interrupt);
  const pace = pacer(() => stopIfInterrupted(c.interrupt));
  for (const r of collected.records) {
    c.scan.add(r);
    const turn = pace();
    if (turn) await turn;
  }
  const localRows = local.usage.rows;
  async function* rows(): AsyncGenerator<UsageRecord> {
    yield* localRows();
    yield* collected.records;
  }
  return {
    rows,
    window: opts.window,
    providers: [...new Set([...local.usage.providers, ...c.providers])].sort(),
    warnings: [...local.usage.warnings, ...collected.warnings],
    failures: collected.failures,
    requests: { ...local.requests, ...collected.requests },
    batches: [await c.resolve(c.scan)],
  };
}
