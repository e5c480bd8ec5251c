import { Command, CommanderError, Option } from "commander";
import { UsageError } from "../errors.js";
import { checkAthena, refuseRepeats, stamps, type Stamp } from "../cli/options.js";
import { checkGcpCarbonTable } from "../reconcile/gcp-carbon.js";
import { monthsBetween, type Month } from "../reconcile/model.js";

export const reconcileFormats = ["table", "csv", "json"] as const;

export const reconcileUsage =
  "carbon-track reconcile --detail FILE | --ledger DIR with --aws-carbon PATH | --aws-carbon-athena DB.TABLE, --gcp-carbon-table P.D.T, --azure-subscriptions IDS";

export interface ReconcileOptions {
  gpu: { kind: "ledger"; given: string } | { kind: "detail"; given: string };
  /** null: the months carbon-track's rows cover. */
  months: { since: Month; until: Month } | null;
  awsFiles: string[];
  awsAthena: { table: string; workgroup: string | null; output: string | null } | null;
  gcpTable: string | null;
  azureSubscriptions: string[];
  previous: string | null;
  format: (typeof reconcileFormats)[number];
  outDir: string;
  stamp: Stamp;
  quiet: boolean;
  verbose: boolean;
}

/** At most three years at once: AWS keeps about 38 months, and every Azure month is a request of its own. */
export const maxMonths = 36;

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function month(text: string, flag: string): Month {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(text)) throw new UsageError(`${flag} "${text}" is not a month: give YYYY-MM, e.g. 2026-10`);
  return text;
}

function oneOf<T extends string>(values: readonly T[], flag: string, v: string): T {
  if ((values as readonly string[]).includes(v)) return v as T;
  throw new UsageError(`${flag} "${v}" is not one of ${values.join(", ")}`);
}

/** `carbon-track reconcile …`: every value checked here, before anything is read or created. */
export function parseReconcileCli(argv: readonly string[]): ReconcileOptions {
  const program = refuseRepeats(
    new Command("carbon-track reconcile")
      .exitOverride()
      .helpOption(false)
      .configureOutput({ writeOut: () => {}, writeErr: () => {} })
      .option("--ledger <dir>")
      .option("--detail <file>")
      .option("--since <month>")
      .option("--until <month>")
      .addOption(new Option("--aws-carbon <path>").argParser((v: string, prev: string[] = []) => [...prev, v]))
      .option("--aws-carbon-athena <table>")
      .option("--athena-workgroup <name>")
      .option("--athena-output <s3>")
      .option("--gcp-carbon-table <table>")
      .option("--azure-subscriptions <list>")
      .option("--previous <file>")
      .addOption(new Option("--format <f>").default("table"))
      .addOption(new Option("--out <dir>").default("output"))
      .addOption(new Option("--stamp <s>").default("datetime"))
      .option("-q, --quiet")
      .option("-v, --verbose"),
  );
  try {
    program.parse(argv as string[], { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) throw new UsageError(`reconcile: ${err.message.replace(/^error: /, "").replace(/\.$/, "")}: ${reconcileUsage}`);
    throw err;
  }
  const o = program.opts<Record<string, string | string[] | boolean | undefined>>();
  const str = (k: string): string | undefined => (typeof o[k] === "string" ? (o[k] as string) : undefined);

  const [ledger, detail] = [str("ledger"), str("detail")];
  if ((ledger === undefined) === (detail === undefined)) throw new UsageError(`reconcile needs carbon-track's figures from one of --ledger DIR or --detail FILE: ${reconcileUsage}`);
  const [since, until] = [str("since"), str("until")];
  if ((since === undefined) !== (until === undefined)) throw new UsageError("--since and --until go together (months, YYYY-MM, both inclusive)");
  let months: ReconcileOptions["months"] = null;
  if (since !== undefined && until !== undefined) {
    months = { since: month(since, "--since"), until: month(until, "--until") };
    if (months.since > months.until) throw new UsageError(`--since ${since} is after --until ${until}`);
    if (monthsBetween(months.since, months.until).length > maxMonths) throw new UsageError(`--since ${since} to --until ${until} is more than ${maxMonths} months: reconcile a part at a time`);
  }

  const awsFiles = (o.awsCarbon as string[] | undefined) ?? [];
  const athenaTable = str("awsCarbonAthena");
  const [workgroup, output] = [str("athenaWorkgroup") ?? null, str("athenaOutput") ?? null];
  if (athenaTable === undefined && (workgroup !== null || output !== null)) throw new UsageError("--athena-workgroup and --athena-output need --aws-carbon-athena");
  if (athenaTable !== undefined && awsFiles.length > 0) throw new UsageError("--aws-carbon and --aws-carbon-athena both give AWS's figures: use one");
  const awsAthena = athenaTable === undefined ? null : checkAthena(athenaTable, workgroup, output, (k) => (k === "table" ? "--aws-carbon-athena" : `--athena-${k}`));
  const gcp = str("gcpCarbonTable");
  const azureList = str("azureSubscriptions");
  const azureSubscriptions = azureList === undefined ? [] : [...new Set(azureList.split(",").map((s) => s.trim().toLowerCase()).filter((s) => s !== ""))];
  for (const id of azureSubscriptions) if (!guid.test(id)) throw new UsageError(`--azure-subscriptions "${id.slice(0, 60)}" is not a subscription id (a GUID)`);
  if (azureList !== undefined && azureSubscriptions.length === 0) throw new UsageError("--azure-subscriptions is empty: give subscription ids, comma-separated");
  if (awsFiles.length === 0 && awsAthena === null && gcp === undefined && azureSubscriptions.length === 0) {
    throw new UsageError("reconcile needs the providers' figures: --aws-carbon PATH or --aws-carbon-athena DB.TABLE, --gcp-carbon-table, --azure-subscriptions (docs/reconciliation.md)");
  }
  if (o.quiet && o.verbose) throw new UsageError("--quiet and --verbose contradict each other: use one");
  return {
    gpu: ledger !== undefined ? { kind: "ledger", given: ledger } : { kind: "detail", given: detail! },
    months,
    awsFiles,
    awsAthena,
    gcpTable: gcp === undefined ? null : checkGcpCarbonTable(gcp),
    azureSubscriptions,
    previous: str("previous") ?? null,
    format: oneOf(reconcileFormats, "--format", str("format")!),
    outDir: str("out")!,
    stamp: oneOf(stamps, "--stamp", str("stamp")!),
    quiet: o.quiet === true,
    verbose: o.verbose === true,
  };
}
