import type { Availability } from "../config/availability.js";
import type { RegionEntry, Regions } from "../config/regions.js";
import { fallbackValue } from "../intensity/static.js";
import type { IntensityTable, IntensityValue, Period, RegionDemand } from "../intensity/types.js";
import type { CarbonRecord, IntensitySignal } from "../schema.js";
import type { Group } from "./summary.js";

/**
 * Cleaner-region suggestions, in two pure steps around the intensity stage:
 * `planSuggestions` picks the largest emitters and a few candidate regions for each (so the intensity stage can be
 * asked for exactly those regions over the emitters' own periods); `suggest` then prices the same hours there.
 */

export interface SuggestionLimits {
  /** How many of the largest provider × region × type groups get suggestions. */
  emitters: number;
  /** Candidate regions per emitter, best annual figure first: bounds the extra intensity requests. */
  candidatesPerEmitter: number;
}

export const defaultSuggestionLimits: SuggestionLimits = { emitters: 3, candidatesPerEmitter: 3 };

type EmitterKey = { provider: string; region: string; instanceType: string };

export interface SuggestionPlan {
  emitter: EmitterKey;
  /** The emitter's CO2e on annual figures: the rank it was chosen by, so plans made per provider can be merged. */
  rankKg: number;
  here: RegionEntry;
  candidates: RegionEntry[];
  /** The periods of the emitter's rows: candidates are priced over exactly these. */
  periods: Period[];
}

export interface PlanInput {
  records: readonly CarbonRecord[];
  /** Groups largest first, as `summarize` returns them. */
  groups: readonly Group<EmitterKey>[];
  availability: Availability;
  regions: Regions;
  signal: IntensitySignal;
  limits: SuggestionLimits;
}

/** PUE × annual figure of the run's signal type: the only yardstick known before intensity is resolved. */
const annualKgPerItKwh = (r: RegionEntry, signal: IntensitySignal): number => r.pue * r.fallback[signal].kgPerKwh;

const sameGroup = (r: CarbonRecord, k: EmitterKey): boolean => r.provider === k.provider && r.region === k.region && r.instanceType === k.instanceType;

export function planSuggestions(input: PlanInput): SuggestionPlan[] {
  const { regions, signal, limits } = input;
  const plans: SuggestionPlan[] = [];
  for (const g of input.groups) {
    if (plans.length >= limits.emitters) break;
    if (!(g.totals.co2eKg > 0)) continue;
    const provider = g.key.provider as RegionEntry["provider"];
    const here = regions.get(provider, g.key.region);
    // A region we know nothing about has no honest baseline to compare against.
    if (!here.known) continue;
    const offered = input.availability.regionsOf(provider, g.key.instanceType);
    if (!offered) continue;
    const baseline = annualKgPerItKwh(here, signal);
    const candidates = regions
      .list(provider)
      .filter((r) => r.region !== here.region && offered.has(r.region) && !r.fallbackIsGlobal[signal] && annualKgPerItKwh(r, signal) < baseline)
      .sort((a, b) => annualKgPerItKwh(a, signal) - annualKgPerItKwh(b, signal) || a.region.localeCompare(b.region))
      .slice(0, limits.candidatesPerEmitter);
    if (candidates.length === 0) continue;
    const periods = new Map<string, string>();
    for (const r of input.records) if (sameGroup(r, g.key) && r.co2eKg !== null) periods.set(r.periodStart, r.periodEnd);
    plans.push({ emitter: g.key, rankKg: g.totals.co2eKg, here, candidates, periods: [...periods].map(([start, end]) => ({ start, end })) });
  }
  return plans;
}

/**
 * The plans of the largest emitters overall, from plans made per provider: every overall top emitter is among
 * its own provider's top emitters, and a plan depends only on its emitter, so nothing is lost.
 */
export function topPlans(plans: readonly SuggestionPlan[], limits: SuggestionLimits): SuggestionPlan[] {
  const name = (p: SuggestionPlan): string => `${p.emitter.provider}:${p.emitter.region}:${p.emitter.instanceType}`;
  return [...plans].sort((a, b) => b.rankKg - a.rankKg || name(a).localeCompare(name(b))).slice(0, limits.emitters);
}

/** What the intensity stage must also answer for the candidates: one demand per region, periods merged. */
export function candidateDemands(plans: readonly SuggestionPlan[]): RegionDemand[] {
  const out = new Map<string, { region: RegionEntry; periods: Map<string, string> }>();
  for (const p of plans) {
    for (const c of p.candidates) {
      const key = `${c.provider}:${c.region}`;
      let d = out.get(key);
      if (!d) out.set(key, (d = { region: c, periods: new Map() }));
      for (const period of p.periods) d.periods.set(period.start, period.end);
    }
  }
  return [...out].map(([key, d]) => ({ key, region: d.region, periods: [...d.periods].map(([start, end]) => ({ start, end })) }));
}

export interface Suggestion {
  provider: string;
  instanceType: string;
  fromRegion: string;
  toRegion: string;
  toLocation: string;
  hours: number;
  /** IT energy of the hours: the same wherever they run. */
  energyKwh: number;
  fromPue: number;
  toPue: number;
  /** Energy-weighted means over the periods. */
  fromIntensityKgPerKwh: number;
  toIntensityKgPerKwh: number;
  fromCo2eKg: number;
  toCo2eKg: number;
  savingKg: number;
  savingPercent: number;
  signal: IntensitySignal;
  /** Distinct intensity sources behind the candidate's figure, `;`-separated. */
  toIntensitySource: string;
}

export interface SuggestInput {
  records: readonly CarbonRecord[];
  plans: readonly SuggestionPlan[];
  intensity: IntensityTable;
  signal: IntensitySignal;
}

/** The same lookup the estimate uses: the period's value, else the region's, else its documented fallback. */
function intensityAt(t: IntensityTable, region: RegionEntry, periodStart: string, signal: IntensitySignal): IntensityValue {
  const key = `${region.provider}:${region.region}`;
  return t.byPeriod.get(key)?.get(periodStart) ?? t.byRegion.get(key) ?? fallbackValue(region, signal, "no intensity resolved for this region");
}

/**
 * Prices each emitter's hours in each candidate region: hours × power (energyKwh) × that region's PUE × that
 * region's intensity for the same period and signal type. Only candidates that would have emitted less are kept,
 * best saving first within each emitter; emitters keep the order of the plan (largest first).
 */
export function suggest(input: SuggestInput): Suggestion[] {
  const out: Suggestion[] = [];
  for (const plan of input.plans) {
    const rows = input.records.filter((r) => sameGroup(r, plan.emitter) && r.co2eKg !== null);
    let hours = 0;
    let energyKwh = 0;
    let fromKg = 0;
    for (const r of rows) {
      hours += r.quantity;
      energyKwh += r.energyKwh!;
      fromKg += r.co2eKg!;
    }
    if (!(energyKwh > 0)) continue;
    const found: Suggestion[] = [];
    for (const c of plan.candidates) {
      let toKg = 0;
      const sources = new Set<string>();
      for (const r of rows) {
        const v = intensityAt(input.intensity, c, r.periodStart, input.signal);
        toKg += r.energyKwh! * c.pue * v.kgPerKwh;
        sources.add(v.source);
      }
      const savingKg = fromKg - toKg;
      if (!(savingKg > 0)) continue;
      found.push({
        provider: plan.emitter.provider,
        instanceType: plan.emitter.instanceType,
        fromRegion: plan.emitter.region,
        toRegion: c.region,
        toLocation: c.location,
        hours,
        energyKwh,
        fromPue: plan.here.pue,
        toPue: c.pue,
        fromIntensityKgPerKwh: fromKg / (energyKwh * plan.here.pue),
        toIntensityKgPerKwh: toKg / (energyKwh * c.pue),
        fromCo2eKg: fromKg,
        toCo2eKg: toKg,
        savingKg,
        savingPercent: (100 * savingKg) / fromKg,
        signal: input.signal,
        toIntensitySource: [...sources].sort().join(";"),
      });
    }
    found.sort((a, b) => b.savingKg - a.savingKg || a.toRegion.localeCompare(b.toRegion));
    out.push(...found);
  }
  return out;
}
