import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectRefused, type BadInputCase } from "../helpers/bad-input.js";
import { runCli } from "../helpers/run-cli.js";

/** A fresh working directory and HOME, with the given files; the plan (--dry-run) shows what the layers made. */
function place(files: Record<string, unknown> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), "ct-layers-"));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), typeof content === "string" ? content : JSON.stringify(content));
  }
  return dir;
}
const plan = (dir: string, args: string[], env: Record<string, string> = {}) =>
  runCli(["--dry-run", "--demo", ...args], { cwd: dir, env: { HOME: dir, XDG_CACHE_HOME: join(dir, "cache"), ...env } });

describe("config discovery and CARBON_TRACK_* variables", () => {
  it("finds carbon-track.config.json in the working directory and applies its options", async () => {
    const dir = place({ "carbon-track.config.json": { $schema: "./node_modules/carbon-track/config/carbon-track.schema.json", options: { days: 3, format: "csv", "no-embodied": true } } });
    const res = await plan(dir, []);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^config: .*carbon-track\.config\.json$/m);
    expect(res.stdout).toMatch(/\(3 days, UTC, daily\)/);
    expect(res.stdout).toMatch(/^output: csv on stdout$/m);
    expect(res.stdout).toMatch(/^embodied: left out/m);
  });

  it("then $XDG_CONFIG_HOME/carbon-track/config.json, then ~/.config", async () => {
    const dir = place({ "xdg/carbon-track/config.json": { options: { format: "json" } }, ".config/carbon-track/config.json": { options: { format: "markdown" } } });
    const xdg = await plan(dir, [], { XDG_CONFIG_HOME: join(dir, "xdg") });
    expect(xdg.stdout, xdg.stderr).toMatch(/^output: json on stdout$/m);
    const home = await plan(dir, []);
    expect(home.stdout, home.stderr).toMatch(/^output: markdown files in output$/m);
  });

  it("takes flag > environment > config > default, the window as one unit", async () => {
    const dir = place({ "carbon-track.config.json": { options: { format: "csv", signal: "average", days: 9 } } });
    const env = { CARBON_TRACK_FORMAT: "json", CARBON_TRACK_DAYS: "5" };
    const fromEnv = await plan(dir, [], env);
    expect(fromEnv.stdout, fromEnv.stderr).toMatch(/^output: json on stdout$/m);
    expect(fromEnv.stdout).toMatch(/\(5 days,/);
    expect(fromEnv.stdout).toMatch(/^signal: average/m);
    const fromFlag = await plan(dir, ["--format", "markdown", "--since", "2026-10-01", "--until", "2026-10-02"], env);
    expect(fromFlag.code, fromFlag.stderr).toBe(0);
    expect(fromFlag.stdout).toMatch(/^output: markdown files in output$/m);
    expect(fromFlag.stdout).toMatch(/^window: 2026-10-01 to 2026-10-02 \(2 days/m);
  });

  it("reads switches from the environment as 1 or 0", async () => {
    const dir = place();
    const on = await runCli(["--dry-run"], { cwd: dir, env: { HOME: dir, CARBON_TRACK_DEMO: "1", CARBON_TRACK_NO_CACHE: "true" } });
    expect(on.stdout, on.stderr).toMatch(/^source: the embedded demo data/m);
    const off = await plan(dir, [], { CARBON_TRACK_NO_EMBODIED: "0" });
    expect(off.stdout).toMatch(/^embodied: included/m);
  });

  const refused: BadInputCase[] = [
    { name: "a bad value from the environment is named by its variable", args: ["--demo"], env: { CARBON_TRACK_FORMAT: "xml" }, message: /^carbon-track: CARBON_TRACK_FORMAT: --format "xml" is not one of/ },
    { name: "a switch variable that is not 1 or 0", args: [], env: { CARBON_TRACK_DEMO: "maybe" }, message: /CARBON_TRACK_DEMO="maybe" is not a switch/ },
    { name: "a bad option in the config file names the file and key", args: ["--demo"], files: { "carbon-track.config.json": JSON.stringify({ options: { "gpu-util": "2" } }) }, message: /config file .*carbon-track\.config\.json: options\.gpu-util: --gpu-util "2"/ },
    { name: "an unknown config key gets a suggestion", args: ["--demo"], files: { "carbon-track.config.json": JSON.stringify({ options: { fromat: "csv" } }) }, message: /options: Unrecognized key.*'fromat'.*did you mean "format" for "fromat"\?/ },
    { name: "an unknown nested key gets a suggestion", args: ["--demo", "--config", "$DIR/c.json"], files: { "c.json": JSON.stringify({ azure: { subscription: [] } }) }, message: /azure: .*did you mean "subscriptions"/ },
    { name: "CARBON_TRACK_CONFIG pointing nowhere", args: ["--demo"], env: { CARBON_TRACK_CONFIG: "/nonexistent/c.json" }, message: /config file \/nonexistent\/c\.json cannot be read \(ENOENT\)/ },
  ];
  for (const c of refused) it(`refuses: ${c.name}`, () => expectRefused(c));
});
