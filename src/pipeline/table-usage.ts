import type { Logger } from "../log.js";
import type { HttpPolicy } from "../net/http-policy.js";
import type { Redactor } from "../text/redact.js";
import type { CliOptions } from "../cli/options.js";
import type { FocusTableRequest } from "../sources/exports/focus-table.js";
import type { UsageScan } from "./intensity-batch.js";
import { readAthenaUsage, type LocalUsage } from "./local-usage.js";
import type { Setup } from "./setup.js";

export interface TableContext {
  env: NodeJS.ProcessEnv;
  http: HttpPolicy;
  signal: AbortSignal;
  log: Logger;
  redactor: Redactor;
  /** --audit: the query as sent, for the pack's manifest. */
  record?: (service: "athena" | "bigquery", name: string, params: unknown) => void;
}

/** The --focus-table read for the run's window, under the config's gcp cost guard and location. */
function focusRequest(opts: CliOptions, setup: Setup, ctx: TableContext): FocusTableRequest {
  return {
    table: setup.focusTable!,
    since: opts.window.since,
    until: opts.window.until,
    granularity: opts.window.granularity,
    maximumBytesBilled: setup.config.gcp?.maximumBytesBilled,
    location: setup.config.gcp?.location,
    groupKeys: opts.groupKeys,
    ...ctx,
    record: ctx.record && ((name, params) => ctx.record!("bigquery", name, params)),
  };
}

/**
 * Reads the table the run names (--athena-table or --focus-table), aggregated where it lives. The window is always
 * pushed down (the default 30 days without one): a whole table would cost its whole size. Requests by service.
 */
export async function readTableUsage(
  opts: CliOptions,
  setup: Setup,
  ctx: TableContext,
  scan: UsageScan,
): Promise<{ local: LocalUsage; requests: Record<string, Record<string, number>> }> {
  if (setup.athena) {
    const record = ctx.record;
    const athenaCtx = { ...ctx, record: record && ((name: string, params: unknown) => record("athena", name, params)) };
    const { local, requests } = await readAthenaUsage(opts, setup.athena, athenaCtx, scan);
    return { local, requests: { athena: requests } };
  }
  const { readFocusTable } = await import("../sources/exports/focus-table.js");
  const got = await readFocusTable(focusRequest(opts, setup, ctx));
  for (const n of got.notes) ctx.log.verbose(n);
  for (const r of got.records) scan.add(r);
  const records = got.records;
  const providers = [...new Set(records.map((r) => r.provider))].sort();
  return { local: { rows: () => records, window: opts.window, warnings: got.warnings, providers, scan }, requests: { bigquery: got.requests } };
}

/** --dry-run with --focus-table: the table's schema and BigQuery's free dry run of the query. */
export async function planFocusTableUsage(opts: CliOptions, setup: Setup, ctx: TableContext): Promise<{ lines: string[]; requests: Record<string, number> }> {
  const { planFocusTable } = await import("../sources/exports/focus-table.js");
  return planFocusTable(focusRequest(opts, setup, ctx));
}
