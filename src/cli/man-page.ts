import { readFileSync } from "node:fs";
import { daysDef, envName, metaDefs, optionDefs, otherEnv } from "./option-defs.js";
import { examples, exitCodes, flagText, groups, precedence, summary, usageLines } from "./help-text.js";

/** roff text: a line starting with . or ' is a request, and a backslash is an escape. */
const roff = (text: string): string => text.replace(/\\/g, "\\e").replace(/-/g, "\\-").replace(/^([.'])/, "\\&$1");

/** man/carbon-track.1, written by scripts/build-docs.mjs from the same table as --help. */
export function renderManPage(): string {
  const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  const out = [
    `.TH CARBON-TRACK 1 "" "carbon-track ${version}" "User Commands"`,
    ".SH NAME",
    "carbon\\-track \\- estimate the CO2e of cloud GPUs from AWS, Azure and GCP billing",
    ".SH SYNOPSIS",
    ...usageLines.flatMap((l) => [".B", roff(l), ".br"]),
    ".SH DESCRIPTION",
    roff(summary.join(" ")),
    ".SH ARGUMENTS",
    ".TP",
    `.I ${daysDef.name}`,
    roff(daysDef.help.join(" ")),
  ];
  for (const g of groups) {
    out.push(`.SH ${g.toUpperCase()}`);
    for (const d of [...optionDefs, ...(g === "Output" ? metaDefs : [])]) {
      if (d.group !== g) continue;
      out.push(".TP", `.B ${roff(flagText(d))}`, roff(d.help.join(" ")));
      if (!metaDefs.includes(d)) out.push(".br", `Environment: ${roff(envName(d.name))}`);
    }
  }
  out.push(".SH ENVIRONMENT", roff(`Every option is also CARBON_TRACK_<NAME> (switches take 1 or 0) and a key of the config file's "options"; ${precedence}.`));
  for (const [name, what] of otherEnv) out.push(".TP", `.B ${roff(name)}`, roff(what));
  out.push(
    ".SH FILES",
    ".TP",
    ".B ./carbon\\-track.config.json",
    "The project's config, read when no \\-\\-config is given.",
    ".TP",
    ".B $XDG_CONFIG_HOME/carbon\\-track/config.json",
    "The user's config (~/.config when XDG_CONFIG_HOME is unset), read when neither of the above is.",
    ".SH EXIT STATUS",
    roff(exitCodes.join(" ")),
    ".SH EXAMPLES",
    ...examples.flatMap((e) => [".PP", roff(e)]),
  );
  return `${out.join("\n")}\n`;
}
