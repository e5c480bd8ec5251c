import { existsSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { Command, CommanderError } from "commander";
import type { RunDeps } from "../pipeline/run.js";
import { resolveWindow } from "../cli/dates.js";
import { openEngine } from "../engine/duckdb.js";
import { copyAtomic, csvOptions, parquetOptions } from "../engine/copy-file.js";
import { CarbonTrackError, ExitCode, UsageError } from "../errors.js";
import { runFields } from "../ledger/columns.js";
import { currentGeneration } from "../ledger/generations.js";
import { ledgerRows } from "../ledger/read.js";
import { windowFilter } from "../ledger/records.js";
import { createLogger } from "../log.js";
import type { Redactor } from "../text/redact.js";
import { detailColumns, type FieldType } from "../report/columns.js";

interface ExportOptions {
  ledgerDir: string;
  format: "csv" | "parquet";
  out: string;
  since?: string;
  until?: string;
}

function parseExportCli(argv: readonly string[]): ExportOptions {
  const program = new Command("carbon-track ledger export")
    .exitOverride()
    .helpOption(false)
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .option("--ledger <dir>")
    .option("--format <f>")
    .option("--out <file>")
    .option("--since <date>")
    .option("--until <date>");
  try {
    program.parse(argv as string[], { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) throw new UsageError(`ledger export: ${err.message.replace(/^error: /, "").replace(/\.$/, "")}`);
    throw err;
  }
  const o = program.opts<Record<string, string | undefined>>();
  const usage = "carbon-track ledger export --ledger DIR --format csv|parquet --out FILE";
  if (!o.ledger || !o.out) throw new UsageError(`ledger export needs --ledger and --out: ${usage}`);
  if (o.format !== "csv" && o.format !== "parquet") throw new UsageError(`ledger export --format "${o.format ?? ""}" is not one of csv, parquet: ${usage}`);
  return { ledgerDir: o.ledger, format: o.format, out: o.out, since: o.since, until: o.until };
}

/** A column as the CSV files print it: the documented decimals, instants in ISO-8601 UTC, true/false. */
function csvCell(name: string, type: FieldType, decimals: number | undefined): string {
  const c = `"${name}"`;
  if (type === "number") return `printf('%.${decimals ?? 6}f', ${c}) AS ${c}`;
  if (type === "datetime") return `strftime(${c}, '%Y-%m-%dT%H:%M:%SZ') AS ${c}`;
  if (type === "boolean") return `CASE WHEN ${c} THEN 'true' WHEN NOT ${c} THEN 'false' END AS ${c}`;
  return c;
}

/**
 * `carbon-track ledger export`: the whole ledger (or a window of it) as one file for BI tools that want a single
 * file: the detail columns, then the run columns, one row per provider × account × region × type × unit × period.
 */
export async function ledgerExport(deps: RunDeps, redactor: Redactor): Promise<number> {
  const opts = parseExportCli(deps.argv);
  const dir = resolve(deps.cwd, opts.ledgerDir);
  if (!existsSync(dir) || currentGeneration(dir) === null) throw new UsageError(`--ledger ${opts.ledgerDir} holds no ledger: runs with --ledger ${opts.ledgerDir} fill it`);
  const out = resolve(deps.cwd, opts.out);
  if (existsSync(out) && statSync(out).isDirectory()) throw new UsageError(`--out ${opts.out} is a directory: give a file name`);
  if (!existsSync(dirname(out))) throw new UsageError(`--out ${opts.out}: the directory ${dirname(out)} does not exist`);
  const window = opts.since || opts.until ? resolveWindow({ days: 30, since: opts.since, until: opts.until, now: deps.now }) : null;
  const log = createLogger({ stream: deps.stderr, quiet: false, verbose: false, color: false, redactor });
  const engine = await openEngine();
  try {
    const rows = ledgerRows(dir);
    if (rows === null) throw new CarbonTrackError("the ledger holds no rows: nothing was written", ExitCode.error);
    const fields = [...detailColumns.map((c) => ({ name: c.header, type: c.type, decimals: c.decimals })), ...runFields.map((f) => ({ ...f, decimals: undefined }))];
    const select = fields.map((f) => (opts.format === "csv" ? csvCell(f.name, f.type, f.decimals) : `"${f.name}"`)).join(", ");
    const query = `SELECT ${select} FROM ${rows}${window ? ` WHERE ${windowFilter(window)}` : ""} ORDER BY provider, account, region, instance_type, unit, period_start`;
    await copyAtomic(engine, query, out, opts.format === "parquet" ? parquetOptions : csvOptions);
    log.info(`wrote ${out}`);
    return ExitCode.ok;
  } finally {
    engine.close();
  }
}

