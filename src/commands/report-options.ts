import { Command, CommanderError, Option } from "commander";
import { UsageError } from "../errors.js";
import { resolveWindow, type DayWindow } from "../cli/dates.js";
import { parseDays, refuseDaysWithSince, refuseRepeats, stamps, type Stamp } from "../cli/options.js";

export const reportFormats = ["table", "csv", "json", "markdown", "parquet"] as const;

export interface ReportOptions {
  ledgerDir: string;
  /** null: the ledger's whole span. */
  window: DayWindow | null;
  format: (typeof reportFormats)[number];
  outDir: string;
  stamp: Stamp;
  quiet: boolean;
  verbose: boolean;
  /** --html, as for a run. */
  html: boolean;
}

function oneOf<T extends string>(values: readonly T[], flag: string, v: string): T {
  if ((values as readonly string[]).includes(v)) return v as T;
  throw new UsageError(`${flag} "${v}" is not one of ${values.join(", ")}`);
}

/** `carbon-track report --ledger DIR [days | --since/--until] [--format …] [--out DIR] [--stamp …]`. */
export function parseReportCli(argv: readonly string[], now: Date): ReportOptions {
  const program = refuseRepeats(new Command("carbon-track report")
    .exitOverride()
    .helpOption(false)
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .argument("[days]")
    .option("--ledger <dir>")
    .option("--since <date>")
    .option("--until <date>")
    .addOption(new Option("--format <f>").default("table"))
    .addOption(new Option("--out <dir>").default("output"))
    .addOption(new Option("--stamp <s>").default("datetime"))
    .option("--html")
    .option("-q, --quiet")
    .option("-v, --verbose"));
  try {
    program.parse(argv as string[], { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) throw new UsageError(`report: ${err.message.replace(/^error: /, "").replace(/\.$/, "")} (see carbon-track --help)`);
    throw err;
  }
  const o = program.opts<Record<string, string | boolean | undefined>>();
  if (typeof o.ledger !== "string" || o.ledger.trim() === "") throw new UsageError("report needs --ledger DIR: the ledger that runs with --ledger wrote");
  const daysArg = program.args[0];
  refuseDaysWithSince(daysArg, o.since);
  const explicit = daysArg !== undefined || o.since !== undefined || o.until !== undefined;
  const days = daysArg === undefined ? 30 : parseDays(daysArg);
  if (o.quiet && o.verbose) throw new UsageError(`--quiet and --verbose contradict each other: use one`);
  return {
    ledgerDir: o.ledger,
    window: explicit ? resolveWindow({ days, since: o.since as string | undefined, until: o.until as string | undefined, now }) : null,
    format: oneOf(reportFormats, "--format", o.format as string),
    outDir: o.out as string,
    stamp: oneOf(stamps, "--stamp", o.stamp as string),
    quiet: o.quiet === true,
    verbose: o.verbose === true,
    html: o.html === true,
  };
}
