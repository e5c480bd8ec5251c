import { UsageError } from "../errors.js";
import type { ProviderId } from "../schema.js";
import { tagKeys, type GroupKey } from "./keys.js";

/**
 * How many tag or cost category keys each source answers in one run, and why. Cost Explorer and the Cost Management
 * Query API group by at most two keys, and account, region and type take them; one tag is asked for per account
 * (AWS) or per location (Azure), which leaves no room for a second. BigQuery and the export engines take any number.
 */
export const tagKeyLimits: Record<ProviderId | "exports", { max: number; why: string; what: string }> = {
  aws: { max: 1, why: "AWS Cost Explorer groups by at most 2 keys and usage type takes one", what: "tag or cost category" },
  // Cost categories are AWS's alone: Azure answers them (untagged) without a query.
  azure: { max: 1, why: "the Azure Query API groups by at most 2 keys and the meter takes one", what: "tag" },
  gcp: { max: Infinity, why: "", what: "" },
  exports: { max: Infinity, why: "", what: "" },
};

/** Refuses, before anything runs, more tag keys than a source of this run can answer, naming the limit; returns the sources. */
export function checkKeyLimits<S extends ProviderId | "exports">(sources: S[], keys: readonly GroupKey[]): S[] {
  for (const source of sources) {
    const limit = tagKeyLimits[source];
    const asked = tagKeys(keys).filter((k) => source === "aws" || k.kind === "tag");
    if (asked.length > limit.max) {
      throw new UsageError(`--group-by ${asked.map((k) => k.id).join(", ")}: ${limit.why}, so ${source} answers at most ${limit.max} ${limit.what} per run`);
    }
  }
  return sources;
}
