import type { Availability } from "../config/availability.js";
import type { RegionEntry, Regions } from "../config/regions.js";
import { fallbackValue } from "../intensity/static.js";
import type { IntensityTable, IntensityValue, Period, RegionDemand } from "../intensity/types.js";
import type { CarbonRecord, IntensitySignal } from "../schema.js";
import { emitterPeriods } from "./emitter-periods.js";
import type { Group } from "./summary.js";

/**
 * Cleaner-region suggestions, in two pure steps around the intensity stage:
 * `planEmitters` picks the largest emitters and a few candidate regions for each (so the intensity stage can be
 * asked for exactly those regions over the emitters' own periods); `suggestionBuilder` then prices the same hours
 * there. `planSuggestions` and `suggest` are the same steps over a whole array of rows.
 */

export interface SuggestionLimits {
  /** How many of the largest provider × region × type groups get suggestions. */
  emitters: number;
  /** Candidate regions per emitter, best annual figure first: bounds the extra intensity requests. */
  candidatesPerEmitter: number;
}

export const defaultSuggestionLimits: SuggestionLimits = { emitters: 3, candidatesPerEmitter: 3 };

export type EmitterKey = { provider: string; region: string; instanceType: string };

export interface SuggestionPlan {
  emitter: EmitterKey;
  /** The emitter's CO2e on annual figures: the rank it was chosen by, so plans made per provider can be merged. */
  rankKg: number;
  here: RegionEntry;
  candidates: RegionEntry[];
  /** The periods of the emitter's rows: candidates are priced over exactly these. */
  periods: Period[];
}

export interface EmitterPlanInput {
  /** Groups largest first, as `summarize` returns them. */
  groups: readonly Group<EmitterKey>[];
  /** The periods of a group's rows whose power is known: see `emitterPeriods`. */
  periodsOf: (emitter: EmitterKey) => Period[];
  availability: Availability;
  regions: Regions;
  signal: IntensitySignal;
  limits: SuggestionLimits;
}

export interface PlanInput extends Omit<EmitterPlanInput, "periodsOf"> {
  /** The rows the groups were summed from. */
  records: readonly CarbonRecord[];
}

/** PUE × annual figure of the run's signal type: the only yardstick known before intensity is resolved. */
const annualKgPerItKwh = (r: RegionEntry, signal: IntensitySignal): number => r.pue * r.fallback[signal].kgPerKwh;

const sameGroup = (r: CarbonRecord, k: EmitterKey): boolean => r.provider === k.provider && r.region === k.region && r.instanceType === k.instanceType;

/** Picks the largest emitters with cleaner candidate regions; needs only the groups and their periods. */
export function planEmitters(input: EmitterPlanInput): SuggestionPlan[] {
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
    plans.push({ emitter: g.key, rankKg: g.totals.co2eKg, here, candidates, periods: input.periodsOf(g.key) });
  }
  return plans;
}

/** Plans from a whole set of ranked rows: see planEmitters. */
export function planSuggestions(input: PlanInput): SuggestionPlan[] {
  const periods = emitterPeriods();
  for (const r of input.records) periods.add(r);
  return planEmitters({ ...input, periodsOf: periods.of });
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
  /**
   * The same move on the location-based (average) signal, shown beside the marginal ranking: the two can disagree
   * (a grid clean on average can burn fossil fuel at the margin). Null when no location-based table was given.
   */
  fromLocationCo2eKg: number | null;
  toLocationCo2eKg: number | null;
  /** to − from on the location-based signal: negative is a reduction. */
  locationChangeKg: number | null;
}

export interface SuggestInput {
  records: readonly CarbonRecord[];
  plans: readonly SuggestionPlan[];
  /** The table of the ranking signal (the marginal one in a run: it is the decision signal). */
  intensity: IntensityTable;
  signal: IntensitySignal;
  /** The location-based table, priced beside the ranking; absent when the ranking signal is itself the average. */
  beside?: IntensityTable;
}

/** Prices the hours of the planned emitters row by row, so a caller can stream rows through it. */
export interface SuggestionBuilder {
  add(r: CarbonRecord): void;
  finish(): Suggestion[];
}

/** A candidate region with its factors looked up once, and the sums of the emitter's rows priced there. */
interface Candidate {
  region: RegionEntry;
  periods: Map<string, IntensityValue> | undefined;
  whole: IntensityValue;
  toKg: number;
  sources: Set<string>;
  besidePeriods: Map<string, IntensityValue> | undefined;
  besideWhole: IntensityValue;
  toBesideKg: number;
}

/** A row's figure on one signal: the lead column when that signal leads, else its own column. */
const kgOn = (r: CarbonRecord, signal: IntensitySignal): number | null => (signal === "marginal" ? r.co2MarginalKg : r.co2eLocationKg);

/**
 * Prices each emitter's hours in each candidate region: hours × power (energyKwh) × that region's PUE × that
 * region's intensity for the same period and signal type (the lookup the estimate uses: the period's value, else
 * the region's, else its documented fallback). Every sum adds the rows in the order given, so streamed and
 * whole-array runs give the same numbers. Only candidates that would have emitted less are kept, best saving first
 * within each emitter; emitters keep the order of the plan (largest first). Holds no rows.
 */
export function suggestionBuilder(input: Omit<SuggestInput, "records">): SuggestionBuilder {
  const { intensity, signal, beside } = input;
  const emitters = input.plans.map((plan) => ({
    plan,
    hours: 0,
    energyKwh: 0,
    fromKg: 0,
    fromBesideKg: 0,
    candidates: plan.candidates.map((region): Candidate => {
      const key = `${region.provider}:${region.region}`;
      const whole = intensity.byRegion.get(key) ?? fallbackValue(region, signal, "no intensity resolved for this region");
      const besideWhole = beside?.byRegion.get(key) ?? fallbackValue(region, "average", "no intensity resolved for this region");
      return { region, periods: intensity.byPeriod.get(key), whole, toKg: 0, sources: new Set(), besidePeriods: beside?.byPeriod.get(key), besideWhole, toBesideKg: 0 };
    }),
  }));
  return {
    add(r) {
      const kg = kgOn(r, signal);
      if (kg === null) return;
      for (const e of emitters) {
        if (!sameGroup(r, e.plan.emitter)) continue;
        e.hours += r.quantity;
        e.energyKwh += r.energyKwh!;
        e.fromKg += kg;
        e.fromBesideKg += r.co2eLocationKg!;
        for (const c of e.candidates) {
          const v = c.periods?.get(r.periodStart) ?? c.whole;
          c.toKg += r.energyKwh! * c.region.pue * v.kgPerKwh;
          c.sources.add(v.source);
          if (beside) c.toBesideKg += r.energyKwh! * c.region.pue * (c.besidePeriods?.get(r.periodStart) ?? c.besideWhole).kgPerKwh;
        }
      }
    },
    finish() {
      const out: Suggestion[] = [];
      for (const { plan, hours, energyKwh, fromKg, fromBesideKg, candidates } of emitters) {
        if (!(energyKwh > 0)) continue;
        const found: Suggestion[] = [];
        for (const { region: c, toKg, sources, toBesideKg } of candidates) {
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
            signal,
            toIntensitySource: [...sources].sort().join(";"),
            fromLocationCo2eKg: beside ? fromBesideKg : null,
            toLocationCo2eKg: beside ? toBesideKg : null,
            locationChangeKg: beside ? toBesideKg - fromBesideKg : null,
          });
        }
        found.sort((a, b) => b.savingKg - a.savingKg || a.toRegion.localeCompare(b.toRegion));
        out.push(...found);
      }
      return out;
    },
  };
}

/** Suggestions for a whole set of rows: see suggestionBuilder. */
export function suggest(input: SuggestInput): Suggestion[] {
  const builder = suggestionBuilder(input);
  for (const r of input.records) builder.add(r);
  return builder.finish();
}
