import type { Group } from "./summary.js";
import type { Availability } from "../config/availability.js";
import type { ProviderId } from "../schema.js";

/**
 * Of the largest emitters, those no cleaner region can be suggested for because nothing records where their type is
 * offered: said under the suggestions, or a large emitter would be missing from them without a word.
 */
export function suggestionGaps(
  groups: readonly Group<{ provider: string; region: string; instanceType: string }>[],
  availability: Availability,
  emitters: number,
): string[] {
  return groups
    .filter((g) => g.totals.co2eKg > 0)
    .slice(0, emitters)
    .filter((g) => availability.regionsOf(g.key.provider as ProviderId, g.key.instanceType) === null)
    .map(
      (g) =>
        `${g.key.provider} ${g.key.instanceType}: no record of the regions that offer it (config/availability.json), so no region is suggested; ` +
        `add them under "availability" in the --config file`,
    );
}
