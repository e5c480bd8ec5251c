import type { CarbonRecord } from "../schema.js";

/** Sums over a set of rows. Energy and CO2 leave out rows whose power is unknown; their hours are counted apart. */
export interface Totals {
  rows: number;
  hours: number;
  /** The part of `hours` billed per GPU (unit gpu-hour); the rest are instance-hours. */
  gpuHours: number;
  unknownPowerHours: number;
  energyKwh: number;
  facilityEnergyKwh: number;
  facilityEnergyLowKwh: number;
  facilityEnergyHighKwh: number;
  /** Facility kWh whose intensity is a fallback, not a time-matched signal. */
  fallbackFacilityEnergyKwh: number;
  co2eKg: number;
  co2eLowKg: number;
  co2eHighKg: number;
  /** Embodied (manufacturing) kg amortised over the rows: reported beside, never inside, the operational CO2e. */
  embodiedKg: number;
  embodiedLowKg: number;
  embodiedHighKg: number;
  /** Both signals, whichever leads (co2eKg repeats the lead one): never added together. */
  co2eLocationKg: number;
  co2eLocationLowKg: number;
  co2eLocationHighKg: number;
  co2MarginalKg: number;
  co2MarginalLowKg: number;
  co2MarginalHighKg: number;
  /** Facility kWh whose location-based intensity is an annual fallback. */
  locationFallbackFacilityEnergyKwh: number;
  /** Billed cost, when every row with a cost is in one currency; null otherwise. */
  cost: number | null;
  currency: string | null;
}

export interface Group<K> {
  key: K;
  totals: Totals;
}

export interface Summary {
  totals: Totals;
  byProvider: Group<{ provider: string }>[];
  byRegion: Group<{ provider: string; region: string }>[];
  byInstanceType: Group<{ provider: string; instanceType: string }>[];
  byRegionInstanceType: Group<{ provider: string; region: string; instanceType: string }>[];
  byDay: Group<{ day: string }>[];
}

export function emptyTotals(): Totals {
  return {
    rows: 0,
    hours: 0,
    gpuHours: 0,
    unknownPowerHours: 0,
    energyKwh: 0,
    facilityEnergyKwh: 0,
    facilityEnergyLowKwh: 0,
    facilityEnergyHighKwh: 0,
    fallbackFacilityEnergyKwh: 0,
    co2eKg: 0,
    co2eLowKg: 0,
    co2eHighKg: 0,
    embodiedKg: 0,
    embodiedLowKg: 0,
    embodiedHighKg: 0,
    co2eLocationKg: 0,
    co2eLocationLowKg: 0,
    co2eLocationHighKg: 0,
    co2MarginalKg: 0,
    co2MarginalLowKg: 0,
    co2MarginalHighKg: 0,
    locationFallbackFacilityEnergyKwh: 0,
    cost: null,
    currency: null,
  };
}

// Set once a group has seen two currencies, so its cost stays null from then on.
const mixedCurrency = "*";

export function addToTotals(t: Totals, r: CarbonRecord): void {
  t.rows += 1;
  t.hours += r.quantity;
  if (r.unit === "gpu-hour") t.gpuHours += r.quantity;
  if (r.co2eKg === null) t.unknownPowerHours += r.quantity;
  else {
    t.energyKwh += r.energyKwh!;
    t.facilityEnergyKwh += r.facilityEnergyKwh!;
    t.facilityEnergyLowKwh += r.facilityEnergyLowKwh!;
    t.facilityEnergyHighKwh += r.facilityEnergyHighKwh!;
    if (r.intensitySource.startsWith("fallback:")) t.fallbackFacilityEnergyKwh += r.facilityEnergyKwh!;
    t.co2eKg += r.co2eKg;
    t.co2eLowKg += r.co2eLowKg!;
    t.co2eHighKg += r.co2eHighKg!;
    t.co2eLocationKg += r.co2eLocationKg!;
    t.co2eLocationLowKg += r.co2eLocationLowKg!;
    t.co2eLocationHighKg += r.co2eLocationHighKg!;
    t.co2MarginalKg += r.co2MarginalKg!;
    t.co2MarginalLowKg += r.co2MarginalLowKg!;
    t.co2MarginalHighKg += r.co2MarginalHighKg!;
    if (r.locationSource.startsWith("fallback:")) t.locationFallbackFacilityEnergyKwh += r.facilityEnergyKwh!;
  }
  if (r.embodiedKg !== null) {
    t.embodiedKg += r.embodiedKg;
    t.embodiedLowKg += r.embodiedLowKg!;
    t.embodiedHighKg += r.embodiedHighKg!;
  }
  if (r.cost !== null && r.currency !== null && t.currency !== mixedCurrency) {
    if (t.currency === null || t.currency === r.currency) {
      t.currency = r.currency;
      t.cost = (t.cost ?? 0) + r.cost;
    } else {
      t.currency = mixedCurrency;
      t.cost = null;
    }
  }
}

export function finishTotals(t: Totals): Totals {
  if (t.currency === mixedCurrency) t.currency = null;
  return t;
}

/** Largest CO2e first; ties (and unknown-power groups) by hours, then by name, so output is deterministic. */
export const byImpact =
  <K>(name: (k: K) => string) =>
  (a: Group<K>, b: Group<K>): number =>
    b.totals.co2eKg - a.totals.co2eKg || b.totals.hours - a.totals.hours || name(a.key).localeCompare(name(b.key));

type RegionTypeKey = { provider: string; region: string; instanceType: string };

/** The groups one (provider, region, instance type) row adds to, found once per combination rather than per row. */
interface Slot {
  provider: Totals;
  region: Totals;
  instanceType: Totals;
  regionInstanceType: Totals;
}

/** Sums rows one at a time, so a caller can stream rows through it; `finish` gives the same Summary as `summarize`. */
export interface SummaryBuilder {
  add(r: CarbonRecord): void;
  finish(): Summary;
}

const groupOf = <K>(groups: Map<string, Group<K>>, id: string, key: () => K): Totals => {
  let g = groups.get(id);
  if (!g) groups.set(id, (g = { key: key(), totals: emptyTotals() }));
  return g.totals;
};

/**
 * Each row is added to every group it belongs to, in row order, so sums are the same numbers a row-by-row loop
 * gives. Per row it does two map lookups on strings the row already holds; keys are built only for new groups.
 */
export function summaryBuilder(): SummaryBuilder {
  const totals = emptyTotals();
  const byProvider = new Map<string, Group<{ provider: string }>>();
  const byRegion = new Map<string, Group<{ provider: string; region: string }>>();
  const byInstanceType = new Map<string, Group<{ provider: string; instanceType: string }>>();
  const byRegionInstanceType = new Map<string, Group<RegionTypeKey>>();
  const byDay = new Map<string, Group<{ day: string }>>();
  const slots = new Map<string, Map<string, Map<string, Slot>>>();
  const dayOfStart = new Map<string, Totals>();

  const slotFor = (r: CarbonRecord): Slot => {
    let regionsOf = slots.get(r.provider);
    if (!regionsOf) slots.set(r.provider, (regionsOf = new Map()));
    let typesOf = regionsOf.get(r.region);
    if (!typesOf) regionsOf.set(r.region, (typesOf = new Map()));
    let slot = typesOf.get(r.instanceType);
    if (!slot) {
      const { provider, region, instanceType } = r;
      slot = {
        provider: groupOf(byProvider, provider, () => ({ provider })),
        region: groupOf(byRegion, `${provider}:${region}`, () => ({ provider, region })),
        instanceType: groupOf(byInstanceType, `${provider}:${instanceType}`, () => ({ provider, instanceType })),
        regionInstanceType: groupOf(byRegionInstanceType, `${provider}:${region}:${instanceType}`, () => ({ provider, region, instanceType })),
      };
      typesOf.set(instanceType, slot);
    }
    return slot;
  };
  const dayFor = (periodStart: string): Totals => {
    let t = dayOfStart.get(periodStart);
    if (!t) {
      const day = periodStart.slice(0, 10);
      dayOfStart.set(periodStart, (t = groupOf(byDay, day, () => ({ day }))));
    }
    return t;
  };

  const sorted = <K>(groups: Map<string, Group<K>>, name: (k: K) => string): Group<K>[] => {
    const list = [...groups.values()];
    for (const g of list) finishTotals(g.totals);
    return list.sort(byImpact(name));
  };

  return {
    add(r) {
      addToTotals(totals, r);
      const slot = slotFor(r);
      addToTotals(slot.provider, r);
      addToTotals(slot.region, r);
      addToTotals(slot.instanceType, r);
      addToTotals(slot.regionInstanceType, r);
      addToTotals(dayFor(r.periodStart), r);
    },
    finish() {
      const days = [...byDay.values()];
      for (const g of days) finishTotals(g.totals);
      return {
        totals: finishTotals(totals),
        byProvider: sorted(byProvider, (k) => k.provider),
        byRegion: sorted(byRegion, (k) => `${k.provider}:${k.region}`),
        byInstanceType: sorted(byInstanceType, (k) => `${k.provider}:${k.instanceType}`),
        byRegionInstanceType: sorted(byRegionInstanceType, (k) => `${k.provider}:${k.region}:${k.instanceType}`),
        byDay: days.sort((a, b) => a.key.day.localeCompare(b.key.day)),
      };
    },
  };
}

export function summarize(records: readonly CarbonRecord[]): Summary {
  const builder = summaryBuilder();
  for (const r of records) builder.add(r);
  return builder.finish();
}
