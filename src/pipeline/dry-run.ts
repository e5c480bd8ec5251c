import { defaultCacheDir } from "../intensity/cache.js";
import type { Logger } from "../log.js";
import type { HttpPolicy } from "../net/http-policy.js";
import type { ProviderId } from "../schema.js";
import { sources } from "../sources/registry.js";
import type { Redactor } from "../text/redact.js";
import { sanitizeLine } from "../text/sanitize.js";
import type { SignalChoices } from "./intensity-choice.js";
import type { CliOptions } from "../cli/options.js";
import type { RunDeps } from "./run.js";
import type { Setup } from "./setup.js";

export interface DryRunInputs {
  opts: CliOptions;
  setup: Setup;
  providers: ProviderId[] | null;
  intensity: SignalChoices;
  log: Logger;
  http: HttpPolicy;
  redactor: Redactor;
}

/**
 * --dry-run: what the run would read, query and use, on stdout; nothing is created and no billable request is
 * sent. Everything was validated as for a run (a bad option is still exit 2). Text from the config or the
 * environment is redacted and sanitized before it reaches a terminal.
 */
export async function dryRun(deps: RunDeps, inputs: DryRunInputs): Promise<number> {
  const { opts, setup, providers, intensity, redactor } = inputs;
  const lines: string[] = [];
  const { window } = opts;
  lines.push(`window: ${window.since} to ${window.until} (${window.days} ${window.days === 1 ? "day" : "days"}, UTC, ${window.granularity})`);
  if (opts.configFile) lines.push(`config: ${opts.configFile}`);
  const requests: Record<string, Record<string, number>> = {};
  if (opts.demo) lines.push("source: the embedded demo data (no request)");
  else if (opts.inputFile) lines.push(`source: ${opts.inputFile} (read, no request)`);
  else if (opts.exportPaths.length > 0) {
    // Beside --providers the files are read for the window the APIs are asked for.
    const span = opts.windowExplicit || providers ? "" : "; no window asked for: the report covers the data's own span";
    lines.push(`source: export files ${opts.exportPaths.join(", ")} (read by the embedded engine, no request${span})`);
  }
  else if (setup.athena) lines.push(`source: Athena table ${setup.athena.table} (Athena has no dry run: nothing is estimated)`);
  else if (setup.focusTable) {
    const { planFocusTableUsage } = await import("./table-usage.js");
    const plan = await planFocusTableUsage(opts, setup, { env: deps.env, http: inputs.http, signal: deps.interrupt, log: inputs.log, redactor });
    lines.push("bigquery:", ...plan.lines.map((l) => `  ${l}`));
    requests.bigquery = plan.requests;
  }
  const local = opts.exportPaths.length > 0 || setup.athena || setup.focusTable;
  if (local && providers) lines.push(`then the APIs below, once that source is read: a provider it holds is refused (exit 2) before any is asked`);
  for (const id of providers ?? []) {
    lines.push(`${id}:`);
    const source = sources[id];
    if (!source.plan) {
      lines.push("  (this source does not describe its queries)");
      continue;
    }
    const ctx = { window, env: deps.env, config: setup.config, catalog: setup.catalog, log: inputs.log, signal: deps.interrupt, http: inputs.http, redactor, groupKeys: opts.groupKeys };
    const plan = await source.plan(ctx);
    for (const q of plan.queries) lines.push(`  ${q}`);
    requests[id] = plan.requests;
  }
  const marginal = intensity.marginal.label === "watttime" ? "WattTime (one set of requests per grid region the usage names)" : "the static annual figures (no request)";
  const average =
    intensity.average.label === "hourly"
      ? "the hourly grid sources that cover each region (EIA, GB Carbon Intensity, Electricity Maps with a key), else the annual figures"
      : "the static annual figures (no request)";
  lines.push(`signal: ${opts.signal} leads; marginal from ${marginal}; location-based from ${average}`);
  if (intensity.marginal.label === "watttime" || intensity.average.label === "hourly") lines.push(`  cache: ${opts.cache ? defaultCacheDir(deps.env, process.platform) : "off (--no-cache)"}`);
  lines.push(`utilization: ${opts.utilizationFile ? `measured, from ${opts.utilizationFile}` : `${opts.gpuUtilization}`}${setup.utilizationRules.length ? ` (${setup.utilizationRules.length} config rules first)` : ""}`);
  lines.push(`embodied: ${opts.embodied ? "included" : "left out (--no-embodied)"}`);
  lines.push(`output: ${opts.format}${opts.format === "csv" || opts.format === "json" ? " on stdout" : ` files in ${opts.outDir}`}${opts.ledgerDir ? `, ledger ${opts.ledgerDir}` : ""}${opts.auditDir ? `, evidence pack ${opts.auditDir}` : ""}`);
  const sent = Object.entries(requests).flatMap(([id, r]) => Object.entries(r).map(([k, n]) => `${id} ${k}: ${n}`));
  lines.push(`requests sent to plan: ${sent.length ? sent.join(", ") : "none"}; nothing was created`);
  deps.stdout.write(`${lines.map((l) => sanitizeLine(redactor.redact(l))).join("\n")}\n`);
  return 0;
}
