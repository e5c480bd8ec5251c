import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { repoRoot, runCli } from "../helpers/run-cli.js";

/** The built modules (dist/), as the build script that wrote bin/help.txt and the man page used them. */
const built = async <T>(path: string): Promise<T> => (await import(pathToFileURL(join(repoRoot, "dist", path)).href)) as T;
type Defs = typeof import("../../src/cli/option-defs.js");

describe("--help, the man page and the completions come from one table", async () => {
  const defs = await built<Defs>("cli/option-defs.js");
  const { renderHelp } = await built<typeof import("../../src/cli/help-text.js")>("cli/help-text.js");
  const help = readFileSync(join(repoRoot, "bin/help.txt"), "utf8");
  const man = readFileSync(join(repoRoot, "man/carbon-track.1"), "utf8");
  const all = [...defs.optionDefs, ...defs.metaDefs];

  it("bin/help.txt is what the build wrote from the table, and the bin prints it", async () => {
    expect(help).toBe(renderHelp());
    const res = await runCli(["--help"]);
    expect(res.stdout).toBe(help);
  });

  it("lists every option, its environment variable, and the precedence", () => {
    for (const d of all) expect(help).toContain(`--${d.name}`);
    for (const d of defs.optionDefs) expect(help).toContain(defs.envName(d.name));
    expect(help).toContain("CARBON_TRACK_DAYS");
    expect(help).toMatch(/flag > CARBON_TRACK_\* variable > config file "options" > default/);
  });

  it("the man page names every option with its variable", () => {
    expect(man).toMatch(/^\.TH CARBON-TRACK 1 /);
    for (const d of all) expect(man).toContain(`--${d.name}`.replace(/-/g, "\\-"));
    for (const d of defs.optionDefs) expect(man).toContain(defs.envName(d.name).replace(/-/g, "\\-"));
  });

  for (const shell of ["bash", "zsh", "fish"]) {
    it(`completion ${shell} offers every option and the values of those with a fixed set`, async () => {
      const res = await runCli(["completion", shell]);
      expect(res.code, res.stderr).toBe(0);
      for (const d of all) expect(res.stdout).toContain(shell === "fish" ? `-l ${d.name}` : `--${d.name}`);
      expect(res.stdout).toContain("table csv json markdown parquet");
      if (shell === "bash") execFileSync("bash", ["-n"], { input: res.stdout });
    });
  }

  it("refuses a shell it does not know: exit 2, one line", async () => {
    const res = await runCli(["completion", "tcsh"]);
    expect(res.code).toBe(2);
    expect(res.stdout).toBe("");
    expect(res.stderr).toBe("carbon-track: completion: give one shell, bash, zsh or fish (e.g. carbon-track completion bash)\n");
  });
});

describe("the config's JSON Schema", async () => {
  const schema = JSON.parse(readFileSync(join(repoRoot, "config/carbon-track.schema.json"), "utf8"));
  const defs = await built<Defs>("cli/option-defs.js");
  const { UserConfig } = await built<typeof import("../../src/config/user-config.js")>("config/user-config.js");

  it("is generated from the zod schema: the same keys, strict, with the option defaults", () => {
    expect(schema.$schema).toMatch(/json-schema\.org\/draft\/2020-12/);
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(UserConfig.shape).sort());
    expect(schema.additionalProperties).toBe(false);
    const options = Object.keys(schema.properties.options.properties);
    expect(options).toContain("days");
    for (const d of defs.optionDefs) if (!["config", "dry-run", "ledger", "gcp-table", "focus-table"].includes(d.name)) expect(options).toContain(d.name);
    expect(schema.properties.azure.properties.subscriptions.items.format).toBe("uuid");
    expect(schema.properties.options.properties.quiet.type).toBe("boolean");
  });

  it("is shipped in the package (config/ is in files)", () => {
    const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
    expect(pkg.files).toContain("config");
    expect(pkg.files).toContain("man");
    expect(pkg.man).toEqual(["man/carbon-track.1"]);
  });
});
