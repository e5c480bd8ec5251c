import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildAvailability, type Availability } from "../config/availability.js";
import { buildCatalog, type Catalog } from "../config/catalog.js";
import { packageDataFile } from "../config/paths.js";
import { buildRegions, type Regions } from "../config/regions.js";
import { UserConfig } from "../config/user-config.js";
import { readJsonFile } from "../config/validate.js";
import { UsageError } from "../errors.js";
import { validateGcpTable } from "../sources/gcp/table-name.js";
import type { CliOptions } from "./options.js";

export interface Setup {
  config: UserConfig;
  catalog: Catalog;
  regions: Regions;
  availability: Availability;
}

function readPackageJson(name: string): unknown {
  try {
    return JSON.parse(readFileSync(packageDataFile(name), "utf8"));
  } catch (err) {
    throw new UsageError(`config/${name} (shipped with carbon-track) cannot be read: ${(err as Error).message}`);
  }
}

/**
 * Loads and validates every input that is not usage data: the user's config file, the catalog, the regions
 * and where each type is offered (with the user's overrides and additions). Runs before anything is created; any problem is a UsageError.
 */
export function loadSetup(opts: CliOptions, cwd: string): Setup {
  const config: UserConfig = opts.configFile ? readJsonFile(resolve(cwd, opts.configFile), UserConfig, "config file") : {};
  const where = opts.configFile ? ` (with overrides from ${opts.configFile})` : "";
  const catalog = buildCatalog(readPackageJson("catalog.json"), config.catalog, `config/catalog.json${where}`);
  const regions = buildRegions(readPackageJson("regions.json"), config.regions, `config/regions.json${where}`);
  const availability = buildAvailability(readPackageJson("availability.json"), config.availability, `config/availability.json${where}`);
  if (opts.gcpTable) config.gcp = { ...config.gcp, table: opts.gcpTable };
  // The table name ends up in SQL: it is checked here, with everything else, before anything runs.
  if (config.gcp?.table) validateGcpTable(config.gcp.table);
  return { config, catalog, regions, availability };
}
