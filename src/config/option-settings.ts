import { z } from "zod";
import { daysDef, optionDefs } from "../cli/option-defs.js";

/**
 * The config file's `options`: defaults for the command's own options, named as on the command line
 * ("gpu-util": "training", "no-cache": true). The config cannot name another config.
 */
const entries: [string, z.ZodTypeAny][] = [
  [daysDef.name, z.union([z.number().int().min(1).max(365), z.string().regex(/^\d+$/)])],
  ...optionDefs
    // The ledger and the GCP tables have their own keys (`ledger`, `gcp.table`, `gcp.focusTable`); a dry run is asked for each time.
    .filter((d) => !["config", "dry-run", "ledger", "gcp-table", "focus-table"].includes(d.name))
    .map((d): [string, z.ZodTypeAny] => [d.name, d.arg ? (d.name === "budget" ? z.union([z.number().positive(), z.string().min(1)]) : z.string().min(1)) : z.boolean()]),
];

export const OptionSettings = z.object(Object.fromEntries(entries.map(([k, v]) => [k, v.optional()]))).strict();
export type OptionSettings = Record<string, string | number | boolean | undefined>;
