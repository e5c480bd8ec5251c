import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildAvailability, type Availability } from "../config/availability.js";
import { buildCatalog, type Catalog, type EmbodiedFactors } from "../config/catalog.js";
import type { MeasuredUtilization } from "../calc/measured.js";
import { utilizationPresets, type UtilizationRule } from "../calc/utilization.js";
import { readUtilizationFile } from "../sources/utilization-file.js";
import { packageDataFile } from "../config/paths.js";
import { buildRegions, type Regions } from "../config/regions.js";
import { UserConfig } from "../config/user-config.js";
import { readJsonFile } from "../config/validate.js";
import { UsageError } from "../errors.js";
import { parseFocusTable, validateGcpTable } from "../sources/gcp/table-name.js";
import { checkAthena, type CliOptions } from "../cli/options.js";

export interface Setup {
  config: UserConfig;
  catalog: Catalog;
  regions: Regions;
  availability: Availability;
  utilizationRules: UtilizationRule[];
  /** From --utilization; undefined without it. */
  measured: MeasuredUtilization | undefined;
  /** The Athena table to read in place (--athena-* over the config's `athena`), or null. */
  athena: CliOptions["athena"];
  /** The FOCUS table to read in place in BigQuery (--focus-table, else the config's `gcp.focusTable`), or null. */
  focusTable: string | null;
}

/**
 * --athena-* win key by key over the config's `athena`. The config's table alone makes a run read Athena only when
 * the command line chose no other data (--providers, --export, --input, --demo).
 */
function athenaOf(opts: CliOptions, config: UserConfig): CliOptions["athena"] {
  const c = config.athena;
  if (opts.athena) return checkAthena(opts.athena.table, opts.athena.workgroup ?? c?.workgroup ?? null, opts.athena.output ?? c?.output ?? null, (k) => `--athena-${k}`);
  if (!c?.table || opts.providers || opts.exportPaths.length > 0 || opts.inputFile || opts.demo || opts.focusTable) return null;
  return checkAthena(c.table, c.workgroup ?? null, c.output ?? null, (k) => `config athena.${k}`);
}

/**
 * --focus-table, or the config's `gcp.focusTable` when the command line chose no other data; the config cannot
 * choose two tables at once (each would count the hours the other may hold).
 */
function focusTableOf(opts: CliOptions, config: UserConfig, athena: CliOptions["athena"]): string | null {
  if (opts.focusTable) return opts.focusTable;
  const table = config.gcp?.focusTable;
  if (!table || opts.providers || opts.exportPaths.length > 0 || opts.inputFile || opts.demo || opts.athena) return null;
  parseFocusTable(table, "config gcp.focusTable");
  if (athena) throw new UsageError("config athena.table and gcp.focusTable both choose the data: give --athena-table or --focus-table");
  return table;
}

/** The config's `utilization.rules` as the estimator takes them: presets resolved, each named. */
function utilizationRules(config: UserConfig): UtilizationRule[] {
  return (config.utilization?.rules ?? []).map((r, i) => {
    const { name, u, ...match } = r;
    return { name: name ?? `rules[${i}]`, match, u: typeof u === "number" ? u : utilizationPresets[u] };
  });
}

/** The config's `embodied` overrides on the catalog's sourced defaults; a given figure widens the band to include it. */
function embodiedWith(base: EmbodiedFactors, o: UserConfig["embodied"], origin: string): EmbodiedFactors {
  if (!o) return base;
  const ranged = (r: EmbodiedFactors["serverKg"], v: number | undefined) =>
    v === undefined ? r : { value: v, low: Math.min(r.low, v), high: Math.max(r.high, v), source: `${origin} (sourced default ${r.value})` };
  return {
    serverKg: ranged(base.serverKg, o.serverKg),
    perGpuKg: ranged(base.perGpuKg, o.perGpuKg),
    lifetimeYears: o.lifetimeYears === undefined ? base.lifetimeYears : { value: o.lifetimeYears, source: origin },
    occupancy: o.occupancy === undefined ? base.occupancy : { value: o.occupancy, source: origin },
  };
}

function readPackageJson(name: string): unknown {
  try {
    return JSON.parse(readFileSync(packageDataFile(name), "utf8"));
  } catch (err) {
    throw new UsageError(`config/${name} (shipped with carbon-track) cannot be read: ${(err as Error).message}`);
  }
}

/** Where the factors come from: the shipped config/ files, or an --audit pack's copies (`replay`). */
export interface SetupFiles {
  shipped(name: string): unknown;
  /** The --utilization file to read instead of the path given (a pack's copy). */
  utilizationPath?: string;
}

/**
 * Loads and validates every input that is not usage data: the user's config file, the catalog, the regions
 * and where each type is offered (with the user's overrides and additions). Runs before anything is created; any problem is a UsageError.
 */
export function loadSetup(opts: CliOptions, cwd: string, files: SetupFiles = { shipped: readPackageJson }): Setup {
  const readPackageJson = files.shipped;
  const config: UserConfig = opts.userConfig ?? (opts.configFile ? readJsonFile(resolve(cwd, opts.configFile), UserConfig, "config file") : {});
  const where = opts.configFile ? ` (with overrides from ${opts.configFile})` : "";
  const built = buildCatalog(readPackageJson("catalog.json"), config.catalog, `config/catalog.json${where}`);
  const catalog = { ...built, embodied: embodiedWith(built.embodied, config.embodied, `config file ${opts.configFile}`) };
  const regions = buildRegions(readPackageJson("regions.json"), config.regions, `config/regions.json${where}`);
  const availability = buildAvailability(readPackageJson("availability.json"), config.availability, `config/availability.json${where}`);
  if (opts.gcpTable) config.gcp = { ...config.gcp, table: opts.gcpTable };
  // The table name ends up in SQL: it is checked here, with everything else, before anything runs.
  if (config.gcp?.table) validateGcpTable(config.gcp.table);
  const measured = opts.utilizationFile ? readUtilizationFile(files.utilizationPath ?? resolve(cwd, opts.utilizationFile), opts.utilizationFile) : undefined;
  const athena = athenaOf(opts, config);
  return { config, catalog, regions, availability, utilizationRules: utilizationRules(config), measured, athena, focusTable: focusTableOf(opts, config, athena) };
}
