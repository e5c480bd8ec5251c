import { resolve } from "node:path";
import type { Command } from "commander";
import { discoverConfig } from "../config/discovery.js";
import { UserConfig } from "../config/user-config.js";
import { readJsonFile } from "../config/validate.js";
import { UsageError } from "../errors.js";
import { attributeName, daysDef, envName, optionDefs, type OptionDef } from "./option-defs.js";

/** Where an option's value came from, lowest precedence last: flag > environment > config file > default. */
export type Origin = "cli" | "env" | "config" | "default";

export interface Layered {
  /** The config file read (given, or found), as it should be named in messages; null without one. */
  configFile: string | null;
  config: UserConfig;
  /** The days argument, whichever layer gave it. */
  days: string | undefined;
  /** Names a value's origin in a message about it: "" for the command line. */
  origin(name: string): string;
}

const windowNames = new Set(["days", "since", "until"]);
const truthy = new Set(["1", "true", "yes", "on"]);
const falsy = new Set(["0", "false", "no", "off", ""]);

function envSwitch(name: string, text: string): boolean {
  const v = text.trim().toLowerCase();
  if (truthy.has(v)) return true;
  if (falsy.has(v)) return false;
  throw new UsageError(`${envName(name)}="${text}" is not a switch: give 1 or 0 (true or false)`);
}

/**
 * The one place where the layers meet. The command line has been parsed into `program`; every option it did not
 * give is taken from CARBON_TRACK_<NAME>, then from the config file's `options`. The window (days, --since,
 * --until) moves as one: a layer that gives any part of it hides the lower layers' window entirely, so a
 * CARBON_TRACK_DAYS never collides with --since/--until typed on the command line.
 */
export function applyLayers(program: Command, env: NodeJS.ProcessEnv, cwd: string): Layered {
  const origins = new Map<string, Origin>();
  const fromCli = (d: OptionDef) => program.getOptionValueSource(attributeName(d.name)) === "cli";
  for (const d of optionDefs) if (fromCli(d)) origins.set(d.name, "cli");
  let days: string | undefined = program.args[0];
  if (days !== undefined) origins.set("days", "cli");

  // The config file's own place: --config, then CARBON_TRACK_CONFIG, then discovery.
  const given = (program.opts().config as string | undefined) ?? (env[envName("config")] || undefined);
  const configFile = given ?? discoverConfig(env, cwd);
  const config: UserConfig = configFile ? readJsonFile(resolve(cwd, configFile), UserConfig, "config file") : {};
  if (!origins.has("config") && env[envName("config")]) origins.set("config", "env");

  const windowFrom = (layer: Origin): boolean => [...windowNames].some((n) => origins.get(n) === layer);
  const set = (d: OptionDef, value: string | boolean, layer: Origin) => {
    const v = d.arg ? value : d.name.startsWith("no-") ? !value : value;
    if (!d.arg && value === false) return;
    program.setOptionValueWithSource(attributeName(d.name), v, layer === "env" ? "env" : "config");
    origins.set(d.name, layer);
  };

  const envWindowHidden = windowFrom("cli");
  for (const d of [daysDef, ...optionDefs] as OptionDef[]) {
    if (origins.has(d.name) || d.name === "config") continue;
    if (windowNames.has(d.name) && envWindowHidden) continue;
    const text = env[envName(d.name)];
    if (text === undefined || text === "") continue;
    if (d.name === "days") {
      days = text;
      origins.set("days", "env");
    } else set(d, d.arg ? text : envSwitch(d.name, text), "env");
  }
  const settings = config.options ?? {};
  const configWindowHidden = windowFrom("cli") || windowFrom("env");
  for (const d of [daysDef, ...optionDefs] as OptionDef[]) {
    const value = (settings as Record<string, string | number | boolean | undefined>)[d.name];
    if (value === undefined || origins.has(d.name)) continue;
    if (windowNames.has(d.name) && configWindowHidden) continue;
    if (d.name === "days") {
      days = String(value);
      origins.set("days", "config");
    } else set(d, typeof value === "number" ? String(value) : value, "config");
  }

  return {
    configFile,
    config,
    days,
    origin(name) {
      const o = origins.get(name);
      if (o === "env") return `${envName(name)}: `;
      if (o === "config") return `config file ${configFile}: options.${name}: `;
      return "";
    },
  };
}
