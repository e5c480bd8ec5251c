import { z } from "zod";
import { CatalogOverride } from "./catalog.js";
import { RegionsOverride } from "./regions.js";
import { utilizationPresets } from "../calc/utilization.js";
import { OptionSettings } from "./option-settings.js";

const presetNames = Object.keys(utilizationPresets) as [keyof typeof utilizationPresets, ...(keyof typeof utilizationPresets)[]];

/** A rule setting `u` for the rows it matches; the first matching rule wins (docs/methodology.md). */
const UtilizationRuleConfig = z
  .object({
    name: z.string().min(1).optional(),
    provider: z.enum(["aws", "azure", "gcp"]).optional(),
    account: z.string().min(1).optional(),
    region: z.string().min(1).optional(),
    instanceType: z.string().min(1).optional(),
    /** Matches only rows with these tag values: `team` is the value of `--group-by tag:team` (docs/attribution.md). */
    tags: z.record(z.string(), z.string()).optional(),
    u: z.union([z.number().min(0).max(1), z.enum(presetNames)]),
  })
  .strict();
export type UtilizationRuleConfig = z.infer<typeof UtilizationRuleConfig>;

/**
 * The user's config file (JSON): `--config FILE`, or the one found by src/cli/config-discovery.ts. Strict everywhere, so a typo is an error that names the key
 * rather than a setting silently ignored. Secrets never live here: they come from the environment.
 */
export const UserConfig = z
  .object({
    $schema: z.string().optional(),
    /** Defaults for the command-line options (flag > CARBON_TRACK_* > these > built-in defaults). */
    options: OptionSettings.optional(),
    aws: z
      .object({
        /** Shared-config profile; AWS_PROFILE does the same. */
        profile: z.string().min(1).optional(),
        /** Billing prefixes of regions newer than the built-in table (usage type `XXX1-BoxUsage:…`) → region code. */
        regionPrefixes: z.record(z.string().regex(/^[A-Z]{2,4}\d?$/, "a billing prefix such as APS9"), z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "a region code such as ap-southeast-9")).optional(),
      })
      .strict()
      .optional(),
    azure: z
      .object({
        subscriptions: z.array(z.string().uuid("a subscription id is a GUID")).optional(),
        /** Billing-account or management-group scopes, resolved to their subscriptions. */
        scopes: z.array(z.string().regex(/^\/providers\/Microsoft\.(Billing|Management)\//, "a scope such as /providers/Microsoft.Management/managementGroups/<id>")).optional(),
        concurrency: z.number().int().min(1).max(16).optional(),
      })
      .strict()
      .optional(),
    gcp: z
      .object({
        table: z.string().min(1).optional(),
        /** --focus-table: a FOCUS table or view read in place, under the same cost guard and location. */
        focusTable: z.string().min(1).optional(),
        maximumBytesBilled: z.number().int().positive().optional(),
        location: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** --athena-table, --athena-workgroup, --athena-output: the command line wins key by key. */
    athena: z
      .object({
        table: z.string().min(1).optional(),
        workgroup: z.string().min(1).optional(),
        output: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** The ledger directory (--ledger), relative to the config file. */
    ledger: z.string().min(1).optional(),
    catalog: CatalogOverride.optional(),
    utilization: z.object({ rules: z.array(UtilizationRuleConfig).max(1000) }).strict().optional(),
    /** Overrides of the embodied amortisation (config/catalog.json `embodied` holds the sourced defaults). */
    embodied: z
      .object({
        lifetimeYears: z.number().positive().max(30).optional(),
        occupancy: z.number().positive().max(1).optional(),
        serverKg: z.number().nonnegative().max(1e6).optional(),
        perGpuKg: z.number().nonnegative().max(1e6).optional(),
      })
      .strict()
      .optional(),
    regions: RegionsOverride.optional(),
    /** --group-by keys when none is given (tag:NAME, account, cost-category:NAME): docs/attribution.md. */
    groupBy: z.array(z.string().min(1)).max(16).optional(),
    /** A --group-by tag's name per provider: `"team": { "aws": "team", "azure": "Team", "gcp": "team" }`. */
    tagAliases: z
      .record(
        z.string().min(1),
        z.object({ aws: z.string().min(1).max(128).optional(), azure: z.string().min(1).max(128).optional(), gcp: z.string().min(1).max(128).optional() }).strict(),
      )
      .optional(),
    /** Budgets per group: key name (`team`) → value (`ml-research`) → kg for the window, or "N/day". */
    groupBudgets: z.record(z.string().min(1), z.record(z.string().min(1), z.union([z.number().positive(), z.string().min(1)]))).optional(),
    /** Extra regions where a type is offered (provider → type → regions). */
    availability: z.record(z.enum(["aws", "azure", "gcp"]), z.record(z.string(), z.array(z.string().min(1, "a region code")))).optional(),
  })
  .strict();
export type UserConfig = z.infer<typeof UserConfig>;
