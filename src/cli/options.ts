import { Command, CommanderError, Option } from "commander";
import { UsageError } from "../errors.js";
import { providerIds, type IntensitySignal, type ProviderId } from "../schema.js";
import { utilizationPresets } from "../calc/utilization.js";
import { lookUp } from "../text/name-table.js";
import { resolveWindow, type DayWindow } from "./dates.js";

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
  gcpTable: string | null;
  configFile: string | null;
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
  quiet: boolean;
  verbose: boolean;
  /** --ledger DIR, as given (the config file's `ledger` applies when this is null). */
  ledgerDir: string | null;
  latestOnPartial: boolean;
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
  const m = /^(\d+(?:\.\d+)?)\s*(?:kg)?\s*(\/\s*day)?$/i.exec(text.trim());
  const kg = m ? Number(m[1]) : NaN;
  if (!m || !(kg > 0) || !Number.isFinite(kg)) {
    throw new UsageError(`--budget "${text}" is not a positive number of kg: e.g. --budget 500 or --budget 20/day`);
  }
  return { kg, perDay: m[2] !== undefined };
}

function buildProgram(): Command {
  return new Command("carbon-track")
    .exitOverride()
    .helpOption(false)
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .argument("[days]")
    .option("--since <date>")
    .option("--until <date>")
    .option("--providers <list>")
    .addOption(new Option("--granularity <g>").default("daily"))
    .option("--demo")
    .option("--input <file>")
    .option("--gcp-table <name>")
    .option("--config <file>")
    .option("--gpu-util <u>")
    .option("--utilization <file>")
    .option("--no-embodied")
    .addOption(new Option("--signal <s>").default("average"))
    .option("--intensity <p>")
    .option("--no-cache")
    .addOption(new Option("--format <f>").default("table"))
    .addOption(new Option("--out <dir>").default("output"))
    .addOption(new Option("--stamp <s>").default("datetime"))
    .option("--budget <kg>")
    .option("--ledger <dir>")
    .option("--latest-on-partial")
    .option("-q, --quiet")
    .option("-v, --verbose");
}

/** Commander's own wording, reduced to one line that names the argument. */
function commanderMessage(err: CommanderError): string {
  return err.message.replace(/^error: /, "").replace(/\.$/, "") + " (see carbon-track --help)";
}

export function parseCli(argv: readonly string[], now: Date): CliOptions {
  const program = buildProgram();
  try {
    program.parse(argv as string[], { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) throw new UsageError(commanderMessage(err));
    throw err;
  }
  const o = program.opts<Record<string, string | boolean | undefined>>();
  const daysArg = program.args[0];
  const days = daysArg === undefined ? 30 : parseDays(daysArg);
  if (daysArg !== undefined && o.since !== undefined && o.until !== undefined) {
    throw new UsageError(`give either days or both --since and --until, not all three`);
  }
  const granularity = oneOf(["daily", "hourly"] as const, "--granularity")(o.granularity as string);
  const window = { ...resolveWindow({ days, since: o.since as string | undefined, until: o.until as string | undefined, now }), granularity };
  if (o.demo && o.input) throw new UsageError(`--demo and --input both choose the data: use one`);
  const providers = o.providers === undefined ? null : parseProviders(o.providers as string);
  if (o.quiet && o.verbose) throw new UsageError(`--quiet and --verbose contradict each other: use one`);
  const outDir = o.out as string;
  if (outDir.trim() === "") throw new UsageError(`--out is empty: give a directory`);
  return {
    window,
    windowExplicit: daysArg !== undefined || o.since !== undefined || o.until !== undefined,
    providers,
    outDir,
    format: oneOf(formats, "--format")(o.format as string),
    demo: o.demo === true,
    inputFile: (o.input as string | undefined) ?? null,
    gcpTable: (o.gcpTable as string | undefined) ?? null,
    configFile: (o.config as string | undefined) ?? null,
    gpuUtilization: o.gpuUtil === undefined ? utilizationPresets.default : parseGpuUtil(o.gpuUtil as string),
    utilizationFile: (o.utilization as string | undefined) ?? null,
    embodied: o.embodied !== false,
    signal: oneOf(["marginal", "average"] as const, "--signal")(o.signal as string),
    intensity: o.intensity === undefined ? null : oneOf(["watttime", "static"] as const, "--intensity")(o.intensity as string),
    cache: o.cache !== false,
    stamp: oneOf(stamps, "--stamp")(o.stamp as string),
    budget: o.budget === undefined ? null : parseBudget(o.budget as string),
    quiet: o.quiet === true,
    verbose: o.verbose === true,
    ledgerDir: (o.ledger as string | undefined) ?? null,
    latestOnPartial: o.latestOnPartial === true,
  };
}
