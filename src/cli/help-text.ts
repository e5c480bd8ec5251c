import { daysDef, envName, metaDefs, optionDefs, otherEnv, type OptionDef, type OptionGroup } from "./option-defs.js";

/** The words around the options in --help and the man page; the options themselves come from option-defs.ts. */
export const usageLines = [
  "carbon-track [options] [days]",
  "carbon-track report --ledger <dir> [days | --since/--until] [--format <f>] [--out <dir>]",
  "carbon-track ledger export --ledger <dir> --format csv|parquet --out <file>",
  "carbon-track reconcile (--detail <carbon_detail_*.csv> | --ledger <dir>) [--since/--until <YYYY-MM>] [--format table|csv|json]",
  "  with --aws-carbon <path> | --aws-carbon-athena <db.table>, --gcp-carbon-table <t>, --azure-subscriptions <ids>",
  "  [--previous <carbon_reconcile*.csv>]: the clouds' own monthly carbon figures beside a run's (docs/reconciliation.md)",
  "carbon-track verify <dir> [--public-key <file>]   (an --audit pack)",
  "carbon-track replay <dir>",
  "carbon-track completion bash|zsh|fish",
];
export const summary = ["How much CO2 did our cloud GPUs emit, where, on which instance types,", "and what would it have been elsewhere?"];
export const exitCodes = [
  "0 ok, 1 nothing usable produced, 2 usage or configuration error,",
  "3 partial (a provider or signal failed), 4 carbon budget exceeded,",
  "130 interrupted (nothing written).",
];
export const examples = [
  "carbon-track 30 --demo",
  "carbon-track --since 2026-10-01 --until 2026-10-31 --providers aws,gcp --format csv > oct.csv",
  "carbon-track 7 --budget 500 --format markdown",
  "carbon-track 14 --ledger ledger && carbon-track report --ledger ledger --since 2026-01-01",
  "carbon-track 7 --dry-run",
  "carbon-track reconcile --detail output/carbon_detail_latest.csv --aws-carbon carbon-export/ --gcp-carbon-table p.carbon.carbon_footprint",
];
export const groups: readonly OptionGroup[] = ["Window and sources", "Model", "Output"];
export const precedence = "flag > CARBON_TRACK_* variable > config file \"options\" > default";

/** "  -q, --quiet" or "  --since <YYYY-MM-DD>" as the left column shows it. */
export const flagText = (d: OptionDef): string => `${d.short ? `-${d.short}, ` : ""}--${d.name}${d.arg ? ` ${d.arg}` : ""}`;

const column = 27;
function entry(left: string, lines: readonly string[]): string[] {
  const head = `  ${left}`;
  const pad = " ".repeat(column);
  return head.length < column ? [head.padEnd(column) + lines[0], ...lines.slice(1).map((l) => pad + l)] : [head, ...lines.map((l) => pad + l)];
}

/** Words filled into lines of at most `width` characters after `indent`. */
function fill(words: readonly string[], indent: string, width = 78): string[] {
  const out: string[] = [];
  let line = indent;
  for (const w of words) {
    if (line.trim() !== "" && line.length + w.length + 1 > width) {
      out.push(line.trimEnd());
      line = indent;
    }
    line += `${w} `;
  }
  if (line.trim() !== "") out.push(line.trimEnd());
  return out;
}

/** bin/help.txt, written by scripts/build-docs.mjs at build time: the bin prints it without loading anything. */
export function renderHelp(): string {
  const out: string[] = [`Usage: ${usageLines[0]}`, ...usageLines.slice(1).map((l) => `       ${l}`), "", ...summary, "", "Arguments:"];
  out.push(...entry(daysDef.name, daysDef.help));
  for (const g of groups) {
    out.push("", `${g}:`);
    for (const d of [...optionDefs, ...(g === "Output" ? metaDefs : [])]) if (d.group === g) out.push(...entry(flagText(d), d.help));
  }
  out.push(
    "",
    "Environment:",
    `  Every option is also CARBON_TRACK_<NAME> (switches take 1 or 0) and a key of the`,
    `  config file's "options"; ${precedence}.`,
    ...fill([envName(daysDef.name), ...optionDefs.map((d) => envName(d.name))], "    "),
    ...otherEnv.flatMap(([name, what]) => entry(name, [what])),
    "",
    "Exit codes:",
    ...exitCodes.map((l) => `  ${l}`),
    "",
    "Examples:",
    ...examples.map((l) => `  ${l}`),
  );
  return `${out.join("\n")}\n`;
}
