import type { Period } from "../intensity/types.js";
import type { CarbonRecord } from "../schema.js";
import type { EmitterKey } from "./suggestions.js";
import { interner } from "./intern.js";

/** Collects, row by row, the periods of each provider × region × type group (rows whose power is known). */
export interface EmitterPeriods {
  add(r: CarbonRecord): void;
  /** Distinct period starts in the order first seen, each with the end of its last row (as a Map keeps them). */
  of(emitter: EmitterKey): Period[];
}

/**
 * Holds one entry per distinct (group, period start): bounded by groups × periods in the window, and never more
 * than the rows. Period strings are interned, so each distinct one is held once, not once per group.
 */
export function emitterPeriods(): EmitterPeriods {
  const intern = interner();
  const groups = new Map<string, Map<string, Map<string, Map<string, string>>>>();
  const periodsOfGroup = (provider: string, region: string, instanceType: string, create: boolean): Map<string, string> | undefined => {
    let regionsOf = groups.get(provider);
    if (!regionsOf) {
      if (!create) return undefined;
      groups.set(provider, (regionsOf = new Map()));
    }
    let typesOf = regionsOf.get(region);
    if (!typesOf) {
      if (!create) return undefined;
      regionsOf.set(region, (typesOf = new Map()));
    }
    let periods = typesOf.get(instanceType);
    if (!periods && create) typesOf.set(instanceType, (periods = new Map()));
    return periods;
  };
  return {
    add(r) {
      if (r.co2eKg !== null) periodsOfGroup(r.provider, r.region, r.instanceType, true)!.set(intern(r.periodStart), intern(r.periodEnd));
    },
    of(k) {
      return [...(periodsOfGroup(k.provider, k.region, k.instanceType, false) ?? [])].map(([start, end]) => ({ start, end }));
    },
  };
}
