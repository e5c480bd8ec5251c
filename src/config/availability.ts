import { z } from "zod";
import { UsageError } from "../errors.js";
import type { ProviderId } from "../schema.js";
import type { UserConfig } from "./user-config.js";
import { lookUp } from "../text/name-table.js";
import { firstIssue } from "./validate.js";

const ByType = z.record(z.string(), z.array(z.string().min(1)));

export const AvailabilityFile = z
  .object({
    $comment: z.string().optional(),
    availability: z.object({ aws: ByType.default({}), azure: ByType.default({}), gcp: ByType.default({}) }).strict(),
  })
  .strict();

/** Where an instance type is offered, as recorded in config/availability.json plus the user's `availability` key. */
export interface Availability {
  /** Regions offering the type, or null when nothing is recorded for it (unknown, never "everywhere"). */
  regionsOf(provider: ProviderId, instanceType: string): ReadonlySet<string> | null;
}

/**
 * The rows that may describe a billed type, most specific first. SageMaker bills `ml.<type>` on the EC2 hardware;
 * GCP lists G2 machines under the series `g2-standard` as well as (for some sizes) their own name.
 */
export function availabilityKeys(provider: ProviderId, instanceType: string): string[] {
  if (provider === "aws" && instanceType.startsWith("ml.")) return [instanceType.slice(3)];
  if (provider === "gcp") {
    const series = /^(g2-standard)-\d+$/.exec(instanceType);
    if (series) return [instanceType, series[1]!];
  }
  return [instanceType];
}

export function buildAvailability(raw: unknown, override: UserConfig["availability"], origin: string): Availability {
  const parsed = AvailabilityFile.safeParse(raw);
  if (!parsed.success) throw new UsageError(`availability ${origin}: ${firstIssue(parsed.error)}`);
  const shipped = parsed.data.availability;
  return {
    regionsOf(provider, instanceType) {
      // The first row that exists wins, so a size recorded on its own is never widened to its whole series.
      for (const key of availabilityKeys(provider, instanceType)) {
        const base = lookUp(shipped[provider], key);
        const extra = lookUp(override?.[provider] ?? {}, key);
        if (base || extra) return new Set([...(base ?? []), ...(extra ?? [])]);
      }
      return null;
    },
  };
}
