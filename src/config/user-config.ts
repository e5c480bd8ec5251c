import { z } from "zod";
import { CatalogOverride } from "./catalog.js";
import { RegionsOverride } from "./regions.js";

/**
 * The user's `--config FILE` (JSON). Strict everywhere, so a typo is an error that names the key
 * rather than a setting silently ignored. Secrets never live here: they come from the environment.
 */
export const UserConfig = z
  .object({
    $schema: z.string().optional(),
    aws: z
      .object({
        /** Shared-config profile; AWS_PROFILE does the same. */
        profile: z.string().min(1).optional(),
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
        maximumBytesBilled: z.number().int().positive().optional(),
        location: z.string().min(1).optional(),
      })
      .strict()
      .optional(),
    /** The ledger directory (--ledger), relative to the config file. */
    ledger: z.string().min(1).optional(),
    catalog: CatalogOverride.optional(),
    regions: RegionsOverride.optional(),
    /** Extra regions where a type is offered (provider → type → regions). */
    availability: z.record(z.enum(["aws", "azure", "gcp"]), z.record(z.string(), z.array(z.string().min(1, "a region code")))).optional(),
  })
  .strict();
export type UserConfig = z.infer<typeof UserConfig>;
