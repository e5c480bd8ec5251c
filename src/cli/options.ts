import { Command, CommanderError, Option } from "commander";
import { UsageError } from "../errors.js";
import { providerIds, type IntensitySignal, type ProviderId } from "../schema.js";
import { utilizationPresets } from "../calc/utilization.js";
import { lookUp } from "../text/name-table.js";
import type { UserConfig } from "../config/user-config.js";
import { resolveWindow, type DayWindow } from "./dates.js";
import { optionDefs } from "./option-defs.js";
import { applyLayers } from "./option-layers.js";
import { exportFormats, type ExportFormat } from "../sources/exports/detect.js";
import { parseAmount, type GroupBudget } from "../attribution/budgets.js";
import type { GroupKey } from "../attribution/keys.js";
import { parseGroupOptions } from "./group-options.js";
import { parseFocusTable } from "../sources/gcp/table-name.js";

export const formats = ["table", "csv", "json", "markdown", "parquet"] as const;
export type Format = (typeof formats)[number];
export const stamps = ["datetime", "date", "none"] as const;
export type Stamp = (typeof stamps)[number];

export interface Budget {
  kg: number;
  perDay: boolean;
}

/** Everything the command line asked for, validated. Config-file content is loaded separately. */
export interface CliOptions {
  window: DayWindow & { granularity: "daily" | "hourly" };
  /** Whether the window was given explicitly (days or --since/--until) rather than defaulted. */
  windowExplicit: boolean;
  providers: ProviderId[] | null;
  outDir: string;
  format: Format;
  demo: boolean;
  inputFile: string | null;
  /** --export PATH, repeatable: billing export files (FOCUS, CUR 2.0) read by the embedded engine. */
  exportPaths: string[];
  exportFormat: ExportFormat | null;
  /** --athena-table DB.TABLE with its workgroup and result location: a CUR 2.0 or FOCUS table queried in place. */
  athena: { table: string; workgroup: string | null; output: string | null } | null;
  /** --focus-table PROJECT.DATASET.TABLE: a FOCUS table or view queried in place by BigQuery. */
  focusTable: string | null;
  gcpTable: string | null;
  /** The config file read: --config, CARBON_TRACK_CONFIG, or the one found (src/config/discovery.ts). */
  configFile: string | null;
  /** Its content, read once while the options were layered; undefined when the parser ran without layers. */
  userConfig?: UserConfig;
  /** --dry-run: say what would be queried, query nothing billable, create nothing. */
  dryRun: boolean;
  gpuUtilization: number;
  /** --utilization FILE: measured GPU power or utilisation per instance type × day. */
  utilizationFile: string | null;
  /** False with --no-embodied. */
  embodied: boolean;
  signal: IntensitySignal;
  intensity: "watttime" | "static" | null;
  cache: boolean;
  stamp: Stamp;
  budget: Budget | null;
  /** --group-by keys (or the config's groupBy), in the order given; empty without attribution. */
  groupKeys: GroupKey[];
  /** --budget NAME=VALUE:KG and the config's groupBudgets. */
  groupBudgets: GroupBudget[];
  quiet: boolean;
  verbose: boolean;
  /** --ledger DIR, as given (the config file's `ledger` applies when this is null). */
  ledgerDir: string | null;
  latestOnPartial: boolean;
  /** --html: the HTML report joins the files in --out, whatever --format prints. */
  html: boolean;
  /** --audit DIR, as given: the evidence pack's directory (docs/audit.md). */
  auditDir: string | null;
}

function oneOf<T extends string>(values: readonly T[], flag: string) {
  return (v: string): T => {
    if ((values as readonly string[]).includes(v)) return v as T;
    throw new UsageError(`${flag} "${v}" is not one of ${values.join(", ")}`);
  };
}

export function parseDays(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`days "${text}" is not a whole number: give 1-365, e.g. carbon-track 30`);
  const n = Number(text);
  if (n < 1 || n > 365) throw new UsageError(`days ${n} is out of range: give 1-365`);
  return n;
}

export function parseGpuUtil(text: string): number {
  const preset = lookUp<number>(utilizationPresets, text);
  if (preset !== undefined) return preset;
  const n = /^(0|1|0?\.\d+|1\.0+)$/.test(text) ? Number(text) : NaN;
  if (Number.isNaN(n) || n < 0 || n > 1) {
    throw new UsageError(`--gpu-util "${text}" is not a fraction 0..1 or one of ${Object.keys(utilizationPresets).join(", ")}`);
  }
  return n;
}

export function parseProviders(text: string): ProviderId[] {
  const list = text.split(",").map((s) => s.trim().toLowerCase()).filter(Boolean);
  if (list.length === 0) throw new UsageError(`--providers is empty: give a list such as aws,azure,gcp`);
  for (const p of list) {
    if (!(providerIds as readonly string[]).includes(p)) throw new UsageError(`--providers: unknown provider "${p}": use aws, azure or gcp`);
  }
  return [...new Set(list)] as ProviderId[];
}

export function parseBudget(text: string): Budget {
  return parseAmount(text, "--budget");
}

/** An Athena table with its workgroup and result location, checked wherever they were given (`from`). */
export function checkAthena(table: string, workgroup: string | null, output: string | null, from: (key: string) => string): NonNullable<CliOptions["athena"]> {
  if (!/^[A-Za-z0-9_]+\.[A-Za-z0-9_]+$/.test(table)) throw new UsageError(`${from("table")} "${table}" is not database.table (letters, digits, _)`);
  if (workgroup !== null && !/^[A-Za-z0-9._-]{1,128}$/.test(workgroup)) throw new UsageError(`${from("workgroup")} "${workgroup}" is not a workgroup name`);
  if (output !== null && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/.test(output)) throw new UsageError(`${from("output")} "${output}" is not an s3://bucket/prefix/ location`);
  return { table, workgroup, output };
}

/** --athena-table and its two companions; the companions alone are refused. */
function parseAthena(o: Record<string, string | boolean | undefined>): CliOptions["athena"] {
  const table = o.athenaTable as string | undefined;
  const workgroup = (o.athenaWorkgroup as string | undefined) ?? null;
  const output = (o.athenaOutput as string | undefined) ?? null;
  if (table === undefined) {
    if (workgroup !== null || output !== null) throw new UsageError(`--athena-workgroup and --athena-output need --athena-table`);
    return null;
  }
  return checkAthena(table, workgroup, output, (key) => `--athena-${key}`);
}

/** The parser, from the one table of options (option-defs.ts). */
function buildProgram(): Command {
  const program = new Command("carbon-track")
    .exitOverride()
    .helpOption(false)
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .argument("[days]");
  for (const d of optionDefs) {
    const option = new Option(`${d.short ? `-${d.short}, ` : ""}--${d.name}${d.arg ? ` ${d.arg.replace(/\[.*\]/, "")}` : ""}`);
    if (d.repeatable) option.argParser((v: string, all: string[] | undefined) => [...(all ?? []), v]);
    program.addOption(d.default === undefined ? option : option.default(d.default));
  }
  return program;
}

/**
 * Every option that takes a value holds one: given twice (`--format csv --format json`), the run would silently take
 * the last one, so the second is refused. (--providers takes a list in one value: aws,gcp.)
 */
export function refuseRepeats(program: Command): Command {
  for (const option of program.options) {
    // A repeatable option (--export) already collects its values with a parser of its own.
    if (!option.required || option.parseArg) continue;
    let seen = false;
    option.argParser((value: string) => {
      if (seen) throw new UsageError(`${option.long} was given twice: give it once`);
      seen = true;
      return value;
    });
  }
  return program;
}

/** Commander's own wording, reduced to one line that names the argument. */
function commanderMessage(err: CommanderError): string {
  return err.message.replace(/^error: /, "").replace(/\.$/, "") + " (see carbon-track --help)";
}

/** A path option given as an empty string would silently mean the current directory. */
function nonEmpty(flag: string, value: string): string {
  if (value.trim() === "") throw new UsageError(`${flag} is empty: give a directory`);
  return value;
}

/** Days with --until is a window of that length ending there; with --since, the days would be silently ignored. */
export function refuseDaysWithSince(daysArg: string | undefined, since: unknown): void {
  if (daysArg !== undefined && since !== undefined) {
    throw new UsageError(`give either days or --since, not both: ${daysArg} days would be ignored (days with --until ends the window there)`);
  }
}

/**
 * The command line, with the environment (CARBON_TRACK_*) and the config file (given or found) under it when
 * `layers` is given: the run passes them; callers that test the parser alone may not.
 */
export function parseCli(argv: readonly string[], now: Date, layers?: { env: NodeJS.ProcessEnv; cwd: string }): CliOptions {
  const program = refuseRepeats(buildProgram());
  try {
    program.parse(argv as string[], { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) throw new UsageError(commanderMessage(err));
    throw err;
  }
  const layered = layers ? applyLayers(program, layers.env, layers.cwd) : null;
  const o = program.opts<Record<string, string | boolean | undefined>>();
  // A bad value from the environment or the config file is named by where it came from.
  const from = <T>(name: string, parse: () => T): T => {
    try {
      return parse();
    } catch (err) {
      const origin = layered?.origin(name);
      if (err instanceof UsageError && origin) throw new UsageError(`${origin}${err.message}`);
      throw err;
    }
  };
  const daysArg = layered ? layered.days : program.args[0];
  const days = daysArg === undefined ? 30 : from("days", () => parseDays(daysArg));
  refuseDaysWithSince(daysArg, o.since);
  const granularity = from("granularity", () => oneOf(["daily", "hourly"] as const, "--granularity")(o.granularity as string));
  const window = {
    ...from(o.since !== undefined ? "since" : "until", () => resolveWindow({ days, since: o.since as string | undefined, until: o.until as string | undefined, now })),
    granularity,
  };
  if (o.demo && o.input) throw new UsageError(`--demo and --input both choose the data: use one`);
  // Repeatable on the command line; one path from CARBON_TRACK_EXPORT or the config file's options.
  const exportPaths = o.export === undefined ? [] : Array.isArray(o.export) ? (o.export as string[]) : [String(o.export)];
  if (exportPaths.length > 0 && (o.demo || o.input)) throw new UsageError(`--export and ${o.demo ? "--demo" : "--input"} both choose the data: use one`);
  if (exportPaths.some((p) => p.trim() === "")) throw new UsageError(`--export is empty: give a file, a directory or a glob`);
  const athena = parseAthena(o);
  if (athena && (exportPaths.length > 0 || o.demo || o.input)) throw new UsageError(`--athena-table and ${exportPaths.length > 0 ? "--export" : o.demo ? "--demo" : "--input"} both choose the data: use one`);
  if (o.exportFormat !== undefined && exportPaths.length === 0 && !athena) throw new UsageError(`--export-format needs --export or --athena-table`);
  const focusTable = (o.focusTable as string | undefined) ?? null;
  if (focusTable !== null) {
    from("focus-table", () => parseFocusTable(focusTable, "--focus-table"));
    const other = exportPaths.length > 0 ? "--export" : athena ? "--athena-table" : o.demo ? "--demo" : o.input ? "--input" : null;
    if (other) throw new UsageError(`--focus-table and ${other} both choose the data: use one`);
  }
  const providers = o.providers === undefined ? null : from("providers", () => parseProviders(o.providers as string));
  if (o.quiet && o.verbose) throw new UsageError(`--quiet and --verbose contradict each other: use one`);
  const groups = parseGroupOptions(o.groupBy, o.budget, layered?.config ?? {}, (name) => layered?.origin(name) ?? "");
  const outDir = o.out as string;
  if (outDir.trim() === "") throw new UsageError(`--out is empty: give a directory`);
  return {
    window,
    windowExplicit: daysArg !== undefined || o.since !== undefined || o.until !== undefined,
    providers,
    outDir,
    format: from("format", () => oneOf(formats, "--format")(o.format as string)),
    demo: o.demo === true,
    inputFile: (o.input as string | undefined) ?? null,
    exportPaths,
    athena,
    focusTable,
    exportFormat: o.exportFormat === undefined ? null : oneOf(exportFormats, "--export-format")(o.exportFormat as string),
    gcpTable: (o.gcpTable as string | undefined) ?? null,
    configFile: layered ? layered.configFile : ((o.config as string | undefined) ?? null),
    userConfig: layered?.config,
    dryRun: o.dryRun === true,
    gpuUtilization: o.gpuUtil === undefined ? utilizationPresets.default : from("gpu-util", () => parseGpuUtil(o.gpuUtil as string)),
    utilizationFile: (o.utilization as string | undefined) ?? null,
    embodied: o.embodied !== false,
    signal: from("signal", () => oneOf(["marginal", "average"] as const, "--signal")(o.signal as string)),
    intensity: o.intensity === undefined ? null : from("intensity", () => oneOf(["watttime", "static"] as const, "--intensity")(o.intensity as string)),
    cache: o.cache !== false,
    stamp: from("stamp", () => oneOf(stamps, "--stamp")(o.stamp as string)),
    budget: groups.budget,
    groupKeys: groups.groupKeys,
    groupBudgets: groups.groupBudgets,
    quiet: o.quiet === true,
    verbose: o.verbose === true,
    ledgerDir: (o.ledger as string | undefined) ?? null,
    latestOnPartial: o.latestOnPartial === true,
    html: o.html === true,
    auditDir: o.audit === undefined ? null : nonEmpty("--audit", o.audit as string),
  };
}
