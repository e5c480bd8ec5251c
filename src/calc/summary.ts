import type { CarbonRecord } from "../schema.js";

/** Sums over a set of rows. Energy and CO2 leave out rows whose power is unknown; their hours are counted apart. */
export interface Totals {
  rows: number;
  hours: number;
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

function emptyTotals(): Totals {
  return {
    rows: 0,
    hours: 0,
    unknownPowerHours: 0,
    energyKwh: 0,
    facilityEnergyKwh: 0,
    facilityEnergyLowKwh: 0,
    facilityEnergyHighKwh: 0,
    fallbackFacilityEnergyKwh: 0,
    co2eKg: 0,
    co2eLowKg: 0,
    co2eHighKg: 0,
    cost: null,
    currency: null,
  };
}

// Set once a group has seen two currencies, so its cost stays null from then on.
const mixedCurrency = "*";

function add(t: Totals, r: CarbonRecord): void {
  t.rows += 1;
  t.hours += r.quantity;
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

function finish(t: Totals): Totals {
  if (t.currency === mixedCurrency) t.currency = null;
  return t;
}

function groupBy<K>(records: readonly CarbonRecord[], keyOf: (r: CarbonRecord) => K, id: (k: K) => string): Group<K>[] {
  const groups = new Map<string, Group<K>>();
  for (const r of records) {
    const key = keyOf(r);
    const k = id(key);
    let g = groups.get(k);
    if (!g) {
      g = { key, totals: emptyTotals() };
      groups.set(k, g);
    }
    add(g.totals, r);
  }
  const list = [...groups.values()];
  for (const g of list) finish(g.totals);
  return list;
}

/** Largest CO2e first; ties (and unknown-power groups) by hours, then by name, so output is deterministic. */
const byImpact =
  <K>(name: (k: K) => string) =>
  (a: Group<K>, b: Group<K>): number =>
    b.totals.co2eKg - a.totals.co2eKg || b.totals.hours - a.totals.hours || name(a.key).localeCompare(name(b.key));

export function summarize(records: readonly CarbonRecord[]): Summary {
  const totals = emptyTotals();
  for (const r of records) add(totals, r);
  finish(totals);
  const prov = (k: { provider: string }) => k.provider;
  const reg = (k: { provider: string; region: string }) => `${k.provider}:${k.region}`;
  const typ = (k: { provider: string; instanceType: string }) => `${k.provider}:${k.instanceType}`;
  const regTyp = (k: { provider: string; region: string; instanceType: string }) => `${k.provider}:${k.region}:${k.instanceType}`;
  const day = (k: { day: string }) => k.day;
  return {
    totals,
    byProvider: groupBy(records, (r) => ({ provider: r.provider }), prov).sort(byImpact(prov)),
    byRegion: groupBy(records, (r) => ({ provider: r.provider, region: r.region }), reg).sort(byImpact(reg)),
    byInstanceType: groupBy(records, (r) => ({ provider: r.provider, instanceType: r.instanceType }), typ).sort(byImpact(typ)),
    byRegionInstanceType: groupBy(records, (r) => ({ provider: r.provider, region: r.region, instanceType: r.instanceType }), regTyp).sort(
      byImpact(regTyp),
    ),
    byDay: groupBy(records, (r) => ({ day: r.periodStart.slice(0, 10) }), day).sort((a, b) => a.key.day.localeCompare(b.key.day)),
  };
}
