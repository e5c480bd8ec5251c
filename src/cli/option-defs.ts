/**
 * The main command's options, once: the parser, --help (bin/help.txt, written at build time), the man page, the
 * shell completions, the CARBON_TRACK_* environment variables and the config file's `options` are all made from
 * this table, so none of them can drift from the others. Plain data: the build scripts import it without commander.
 */
export type OptionGroup = "Window and sources" | "Model" | "Output";

export interface OptionDef {
  /** The long name without its dashes, as typed: "gcp-table", "no-cache". */
  name: string;
  short?: string;
  /** The value's placeholder; none for a switch. */
  arg?: string;
  /** The help text, one entry per line as --help prints it. */
  help: string[];
  group: OptionGroup;
  /** Commander's default, for the options whose value is always present. */
  default?: string;
  /** Given more than once, every value is kept (in order); from the environment or the config, one value. */
  repeatable?: true;
  /** The values a shell completes; a file or directory for paths. */
  complete?: readonly string[] | "file" | "dir";
}

/** The positional argument, settable as CARBON_TRACK_DAYS and `options.days` like an option. */
export const daysDef = {
  name: "days",
  help: ["whole UTC days ending yesterday, 1-365 (default: 30)"],
} as const;

export const optionDefs: readonly OptionDef[] = [
  { name: "since", arg: "<YYYY-MM-DD>", group: "Window and sources", help: ["first day (UTC, inclusive)"] },
  { name: "until", arg: "<YYYY-MM-DD>", group: "Window and sources", help: ["last day (UTC, inclusive; default: yesterday)"] },
  { name: "providers", arg: "<list>", group: "Window and sources", help: ["aws,azure,gcp (default: every configured provider); beside --export or", "a table, the APIs queried too (a provider in both is refused)"], complete: ["aws", "azure", "gcp"] },
  { name: "granularity", arg: "<g>", group: "Window and sources", default: "daily", help: ["daily | hourly (default: daily)"], complete: ["daily", "hourly"] },
  { name: "demo", group: "Window and sources", help: ["embedded sample data: no network, no credentials"] },
  { name: "input", arg: "<file>", group: "Window and sources", help: ["usage rows from a CSV in carbon-track's schema (docs/csv-schema.md)"], complete: "file" },
  { name: "gcp-table", arg: "<name>", group: "Window and sources", help: ["GCP billing export table, project.dataset.table"] },
  {
    name: "export",
    arg: "<path>",
    group: "Window and sources",
    repeatable: true,
    help: ["billing export files (FOCUS 1.0-1.2, AWS CUR 2.0; CSV, CSV.gz, Parquet);", "a file, a directory or a glob; repeatable (docs/exports.md)"],
    complete: "file",
  },
  { name: "export-format", arg: "<f>", group: "Window and sources", help: ["focus | cur2 (default: detected from the columns)"], complete: ["focus", "cur2"] },
  { name: "athena-table", arg: "<db.table>", group: "Window and sources", help: ["a CUR 2.0 or FOCUS table, aggregated in place by Athena"] },
  { name: "athena-workgroup", arg: "<name>", group: "Window and sources", help: ["the Athena workgroup (default: primary)"] },
  { name: "athena-output", arg: "<s3://...>", group: "Window and sources", help: ["where Athena writes its results (default: the workgroup's)"] },
  {
    name: "focus-table",
    arg: "<project.dataset.table>",
    group: "Window and sources",
    help: ["a FOCUS table or view in BigQuery (GCP's FOCUS export, or one you", "loaded), aggregated in place under gcp.maximumBytesBilled"],
  },
  {
    name: "config",
    arg: "<file>",
    group: "Window and sources",
    help: [
      "JSON config: subscriptions, tables, catalog and region overrides,",
      "utilisation rules, embodied settings, option defaults (default:",
      "./carbon-track.config.json, then $XDG_CONFIG_HOME/carbon-track/config.json)",
    ],
    complete: "file",
  },
  { name: "dry-run", group: "Window and sources", help: ["print the window, providers, queries and signals a run would use;", "send no billable request and create nothing"] },
  {
    name: "gpu-util",
    arg: "<u>",
    group: "Model",
    help: [
      "accelerator power fraction 0..1, or idle | online-inference |",
      "inference | batch-inference | default | fine-tuning | training |",
      "max (default: 0.5; config rules and --utilization win over it)",
    ],
    complete: ["idle", "online-inference", "inference", "batch-inference", "default", "fine-tuning", "training", "max"],
  },
  {
    name: "utilization",
    arg: "<file>",
    group: "Model",
    help: [
      "measured GPU power or utilisation per instance type over time",
      "(nvidia-smi, DCGM, CloudWatch, Azure Monitor, Cloud Monitoring;",
      "docs/methodology.md)",
    ],
    complete: "file",
  },
  { name: "no-embodied", group: "Model", help: ["leave out the embodied (manufacturing) emissions columns"] },
  { name: "signal", arg: "<s>", group: "Model", default: "average", help: ["which figure leads the report and the budget: average (location-based", "CO2e, the inventory figure) | marginal (WattTime CO2, for decisions); default: average"], complete: ["marginal", "average"] },
  {
    name: "intensity",
    arg: "<p>",
    group: "Model",
    help: ["watttime | static (default: watttime when WATTTIME_USERNAME", "and WATTTIME_PASSWORD are set, else static)"],
    complete: ["watttime", "static"],
  },
  { name: "no-cache", group: "Model", help: ["ask WattTime again instead of using the on-disk cache"] },
  {
    name: "format",
    arg: "<f>",
    group: "Output",
    default: "table",
    help: ["table | csv | json | markdown | parquet (default: table;", "parquet = table plus typed .parquet files)"],
    complete: ["table", "csv", "json", "markdown", "parquet"],
  },
  {
    name: "out",
    arg: "<dir>",
    group: "Output",
    default: "output",
    help: [
      "directory for the files that table, markdown and parquet runs",
      "write: carbon_detail, carbon_summary, carbon_suggestions,",
      "carbon_detail_latest.csv and datapackage.json (default: output)",
    ],
    complete: "dir",
  },
  {
    name: "ledger",
    arg: "<dir>",
    group: "Output",
    help: ["also upsert the rows into the ledger (Hive-partitioned Parquet);", "restated days replace what it held, nothing is counted twice"],
    complete: "dir",
  },
  {
    name: "audit",
    arg: "<dir>",
    group: "Output",
    help: ["also write an evidence pack there: inputs, factors, outputs, methodology,", "manifest and SHA256SUMS (signed with CARBON_TRACK_SIGNING_KEY); docs/audit.md"],
    complete: "dir",
  },
  { name: "latest-on-partial", group: "Output", help: ["replace carbon_detail_latest.csv even when the run is partial"] },
  { name: "html", group: "Output", help: ["also write carbon_report_<stamp>.html: one self-contained page to share"] },
  { name: "stamp", arg: "<s>", group: "Output", default: "datetime", help: ["file-name stamp: datetime | date | none (default: datetime)"], complete: ["datetime", "date", "none"] },
  {
    name: "group-by",
    arg: "<key>",
    group: "Output",
    repeatable: true,
    help: ["attribute CO2 by tag:NAME, account or cost-category:NAME (AWS);", "repeatable; a column, a table and a chart per key (docs/attribution.md)"],
  },
  {
    name: "budget",
    arg: "<kg[/day]>",
    group: "Output",
    repeatable: true,
    help: ["carbon budget for the window (or per day); exit 4 when exceeded;", "per group: NAME=VALUE:KG[/day], e.g. team=ml-research:500"],
  },
  { name: "quiet", short: "q", group: "Output", help: ["only warnings and errors on stderr"] },
  { name: "verbose", short: "v", group: "Output", help: ["details of every request and fallback on stderr"] },
];

/** The options that only print something (answered by bin/carbon-track.js before anything loads). */
export const metaDefs: readonly OptionDef[] = [
  { name: "version", short: "V", group: "Output", help: ["print the version"] },
  { name: "help", short: "h", group: "Output", help: ["print this help"] },
];

/** CARBON_TRACK_GCP_TABLE for gcp-table, CARBON_TRACK_NO_CACHE for no-cache, CARBON_TRACK_DAYS for days. */
export const envName = (name: string): string => `CARBON_TRACK_${name.toUpperCase().replace(/-/g, "_")}`;

/** How commander names the option's value: gcpTable for gcp-table, cache for no-cache. */
export const attributeName = (name: string): string => name.replace(/^no-/, "").replace(/-(\w)/g, (_, c: string) => c.toUpperCase());

/** The other environment variables carbon-track reads, for --help and the man page. */
export const otherEnv: readonly [string, string][] = [
  ["AWS_PROFILE, AWS_ACCESS_KEY_ID, AWS_WEB_IDENTITY_TOKEN_FILE", "AWS credentials (the SDK's default chain, roles included)"],
  ["AZURE_SUBSCRIPTION_ID", "the Azure subscription to read (more in the config)"],
  ["GOOGLE_APPLICATION_CREDENTIALS", "Google credentials file (else gcloud's application default)"],
  ["WATTTIME_USERNAME, WATTTIME_PASSWORD", "WattTime account (docs/watttime.md)"],
  ["XDG_CONFIG_HOME", "where the user config is looked for (default: ~/.config)"],
  ["XDG_CACHE_HOME", "where the WattTime cache lives (default: ~/.cache)"],
  ["GITHUB_STEP_SUMMARY", "the Markdown report is appended to that file"],
  ["NO_COLOR, FORCE_COLOR, TERM=dumb", "colour off, on (FORCE_COLOR=0: off), off"],
  ["COLUMNS", "width to fit the report to when stdout is not a terminal"],
  ["CARBON_TRACK_TIMEOUT_MS", "per-request timeout (default: 30000)"],
  ["CARBON_TRACK_RETRY_BASE_MS", "first retry delay, doubling (default: 500)"],
  ["CARBON_TRACK_DEADLINE_MS", "deadline for the billing providers (default: 900000)"],
  ["CARBON_TRACK_SIGNING_KEY", "Ed25519 private key (PEM, or a path to one) that signs the --audit pack"],
  ["CARBON_TRACK_MAX_MOER_LBS_PER_MWH", "largest plausible WattTime rate (docs/watttime.md)"],
];
