import { lookupInstance, type Catalog } from "../config/catalog.js";
import type { RegionEntry, Regions } from "../config/regions.js";
import { fallbackValue } from "../intensity/static.js";
import type { IntensityTable, IntensityValue } from "../intensity/types.js";
import type { CarbonRecord, IntensitySignal, Matching, PowerStatus, UsageRecord } from "../schema.js";
import { embodiedPerHour, type EmbodiedRate } from "./embodied.js";
import { measurementFor, type Measurement, type MeasuredUtilization } from "./measured.js";
import { boardAt, buildPowerModel, hostAt, utilizationFromGpuWatts, type PowerModel } from "./power.js";
import { matchRule, measuredBand, utilizationBand, type UtilizationRule } from "./utilization.js";

/** What every row's estimate depends on besides the row itself. */
export interface EstimatorInput {
  catalog: Catalog;
  regions: Regions;
  /** The table of `signal`, the one that leads (the lead columns repeat its figure). */
  intensity: IntensityTable;
  signal: IntensitySignal;
  /**
   * The table of the other signal: every row carries both figures. Without it (the ranking pass, some tests) the
   * other figure is the region's annual value of that signal.
   */
  companion?: IntensityTable;
  /** Accelerator power fraction u, 0..1, where no rule or measurement gives one. */
  gpuUtilization: number;
  /** Config rules that set u per account, region, instance type (or tag); first match wins. */
  utilizationRules?: readonly UtilizationRule[];
  /** --utilization: measured GPU power or utilisation per instance type × day; wins over rules and the default. */
  measured?: MeasuredUtilization;
  /** False with --no-embodied: the embodied columns stay empty. */
  embodied?: boolean;
}

export interface EstimateInput extends EstimatorInput {
  records: readonly UsageRecord[];
}

/** Something the user should know about the estimate, aggregated over the rows it concerns. */
export interface EstimateWarning {
  kind: "unknown-type" | "no-tdp" | "unknown-region";
  provider: string;
  subject: string;
  hours: number;
  rows: number;
}

/** One signal's values for a region: per period where resolved, else the whole-window value. */
interface Signalled {
  periods: Map<string, IntensityValue> | undefined;
  whole: IntensityValue;
}

/** A region's factors, resolved once per region rather than once per row. */
interface Place {
  region: RegionEntry;
  lead: Signalled;
  other: Signalled;
}

/** A CO2 figure with its band, for one signal. */
interface Figure {
  value: IntensityValue;
  matching: Matching;
  kg: number | null;
  lowKg: number | null;
  highKg: number | null;
}

const HOUR_MS = 3_600_000;

type Modelled =
  | { ok: true; model: PowerModel; embodied: EmbodiedRate }
  | { ok: false; status: PowerStatus; gpuModel: string | null; gpuCount: number | null };

/** Where a row's u came from, with its band: resolved once per rule, not per row. */
interface Choice {
  u: number;
  low: number;
  high: number;
  rule: string;
  /** The band's description for a time-matched and for a fallback intensity. */
  covers: [string, string];
}

/** Estimates rows one at a time, so a caller can stream rows through it without holding them all. */
export interface Estimator {
  row(r: UsageRecord): CarbonRecord;
  /** Warnings over the rows estimated so far, in the order they first occurred. */
  warnings(): EstimateWarning[];
}

/**
 * Turns usage into CarbonRecords. Pure: the same rows in the same order give the same output, with no I/O and no
 * clock. Rows whose power cannot be modelled keep their hours and get null energy and CO2, so totals never include
 * a guess. Power models and region factors are resolved once per instance type and region, not once per row.
 */
export function createEstimator(input: EstimatorInput): Estimator {
  const { catalog, regions, intensity, signal } = input;
  const otherSignal: IntensitySignal = signal === "marginal" ? "average" : "marginal";
  const companion = input.companion;
  const rules = input.utilizationRules ?? [];
  const measured = input.measured;
  const withEmbodied = input.embodied !== false;
  const bandTerms = catalog.power.band;
  const pct = (f: number): string => `${Math.round((f - 1) * 100)}`.replace(/^(\d)/, "+$1");
  const covers = (what: string, low: number, high: number): [string, string] =>
    [bandTerms.intensityMatched, bandTerms.intensityFallback].map(
      (i) => `utilization ${low}-${high} (${what}); pue ${pct(bandTerms.pue.low)}/${pct(bandTerms.pue.high)} %; intensity ${pct(i.low)}/${pct(i.high)} %`,
    ) as [string, string];
  const choice = (u: number, rule: string): Choice => {
    const b = utilizationBand(u);
    return { u, ...b, rule, covers: covers("neighbouring presets", b.low, b.high) };
  };
  const fallbackChoice = choice(input.gpuUtilization, "default");
  const ruleChoices = new Map(rules.map((r) => [r, choice(r.u, r.name)]));
  const ruledChoices = new Map<string, Choice>();
  // One measurement covers one instance type on one day: its u and band are worked out once.
  const measuredChoices = new Map<Measurement, Choice>();
  // Nested maps, not "provider:key" strings: building a key per row costs more than the arithmetic.
  const models = new Map<string, Map<string, Modelled>>();
  const places = new Map<string, Map<string, Place>>();
  const warnings = new Map<string, EstimateWarning>();
  // Whether a period is at most an hour long, per start and end (periods are few, rows many: no parsing per row).
  const spans = new Map<string, Map<string, boolean>>();
  const hourLong = (r: UsageRecord): boolean => {
    let ends = spans.get(r.periodStart);
    if (!ends) spans.set(r.periodStart, (ends = new Map()));
    let short = ends.get(r.periodEnd);
    if (short === undefined) ends.set(r.periodEnd, (short = Date.parse(r.periodEnd) - Date.parse(r.periodStart) <= HOUR_MS));
    return short;
  };

  const modelFor = (r: UsageRecord): Modelled => {
    let byType = models.get(r.provider);
    if (!byType) models.set(r.provider, (byType = new Map()));
    let m = byType.get(r.instanceType);
    if (!m) {
      const spec = lookupInstance(catalog, r.provider, r.instanceType);
      if (!spec) m = { ok: false, status: "unknown-type", gpuModel: null, gpuCount: null };
      else {
        const built = buildPowerModel(catalog, r.provider, spec);
        m = built.ok
          ? { ok: true, model: built.model, embodied: embodiedPerHour(catalog.embodied, spec) }
          : { ok: false, status: "no-tdp", gpuModel: built.gpuModel, gpuCount: built.gpuCount };
      }
      byType.set(r.instanceType, m);
    }
    return m;
  };

  const placeFor = (r: UsageRecord): Place => {
    let byRegion = places.get(r.provider);
    if (!byRegion) places.set(r.provider, (byRegion = new Map()));
    let p = byRegion.get(r.region);
    if (!p) {
      const key = `${r.provider}:${r.region}`;
      const region = regions.get(r.provider, r.region);
      p = {
        region,
        lead: {
          periods: intensity.byPeriod.get(key),
          whole: intensity.byRegion.get(key) ?? fallbackValue(region, signal, "no intensity resolved for this region"),
        },
        other: {
          periods: companion?.byPeriod.get(key),
          whole: companion?.byRegion.get(key) ?? fallbackValue(region, otherSignal, companion ? "no intensity resolved for this region" : ""),
        },
      };
      byRegion.set(r.region, p);
    }
    return p;
  };

  const note = (kind: EstimateWarning["kind"], provider: string, subject: string, hours: number): void => {
    const key = `${kind}|${provider}|${subject}`;
    const w = warnings.get(key);
    if (w) {
      w.hours += hours;
      w.rows += 1;
    } else warnings.set(key, { kind, provider, subject, hours, rows: 1 });
  };

  const row = (r: UsageRecord): CarbonRecord => {
    const place = placeFor(r);
    const region = place.region;
    if (!region.known) note("unknown-region", r.provider, r.region, r.quantity);
    const value: IntensityValue = place.lead.periods?.get(r.periodStart) ?? place.lead.whole;
    const otherValue: IntensityValue = place.other.periods?.get(r.periodStart) ?? place.other.whole;

    const m = modelFor(r);
    const fallbackIntensity = value.source.startsWith("fallback:");
    let chosen = fallbackChoice;
    if (rules.length > 0) {
      // The rule a row gets depends on these four fields and, in a run with --group-by, its tags.
      const tagged = r.tags ? `\u0000${Object.values(r.tags).join("\u0000")}` : "";
      const key = `${r.provider}\u0000${r.account}\u0000${r.region}\u0000${r.instanceType}${tagged}`;
      let ruled = ruledChoices.get(key);
      if (!ruled) {
        const rule = matchRule(rules, r);
        ruledChoices.set(key, (ruled = rule ? ruleChoices.get(rule)! : fallbackChoice));
      }
      chosen = ruled;
    }
    let gpuModel: string | null;
    let gpuCount: number | null;
    let power: number | null = null;
    let powerLow: number | null = null;
    let powerHigh: number | null = null;
    let powerSource: string;
    let basis: CarbonRecord["powerBasis"] = null;
    let status: PowerStatus | null = null;
    let embodied: number | null = null;
    let embodiedLow: number | null = null;
    let embodiedHigh: number | null = null;
    if (m.ok) {
      const model = m.model;
      basis = model.basis;
      powerSource = model.source;
      // A host without accelerators has no GPU to measure.
      const reading = measured && model.gpuModel !== null ? measurementFor(measured, r.provider, r.instanceType, r.periodStart, r.periodEnd) : undefined;
      if (reading) {
        let fromReading = measuredChoices.get(reading);
        if (!fromReading) {
          const u = reading.kind === "power" ? utilizationFromGpuWatts(catalog, model.gpuModel!, reading.value)! : reading.value;
          const b = measuredBand(u, bandTerms.measuredUtilization);
          const what = `measured ${reading.kind}, ${reading.samples} samples`;
          fromReading = { u, ...b, rule: "measured", covers: covers(what, Number(b.low.toFixed(3)), Number(b.high.toFixed(3))) };
          measuredChoices.set(reading, fromReading);
        }
        chosen = fromReading;
        basis = "measured";
        powerSource = `${reading.source}; ${model.source}`;
      }
      // A gpu-hour is one GPU's hour: no share of the host, which is billed as its own machine type.
      const perGpu = r.unit === "gpu-hour";
      const scale = perGpu ? 1 / model.gpuCount : 1;
      const at = (u: number): number => boardAt(model, u) * scale + (perGpu ? 0 : hostAt(model, u));
      power = at(chosen.u);
      powerLow = at(chosen.low);
      powerHigh = at(chosen.high);
      gpuModel = model.gpuModel;
      gpuCount = perGpu ? 1 : model.gpuCount;
      if (withEmbodied) {
        const e = m.embodied;
        const hours = perGpu ? r.quantity / model.gpuCount : r.quantity;
        embodied = e.kgPerHour * hours;
        embodiedLow = e.lowKgPerHour * hours;
        embodiedHigh = e.highKgPerHour * hours;
      }
    } else {
      status = m.status;
      gpuModel = m.gpuModel;
      gpuCount = m.gpuCount;
      powerSource = m.status === "unknown-type" ? "unknown instance type" : `no published TDP for ${m.gpuModel}`;
      note(m.status, r.provider, r.instanceType, r.quantity);
    }

    const energy = power === null ? null : (power * r.quantity) / 1000;
    const facility = energy === null ? null : energy * region.pue;
    const facilityLow = powerLow === null ? null : ((powerLow * r.quantity) / 1000) * region.pue * bandTerms.pue.low;
    const facilityHigh = powerHigh === null ? null : ((powerHigh * r.quantity) / 1000) * region.pue * bandTerms.pue.high;
    const figure = (v: IntensityValue): Figure => {
      const fallback = v.source.startsWith("fallback:");
      const terms = fallback ? bandTerms.intensityFallback : bandTerms.intensityMatched;
      return {
        value: v,
        matching: v.matching ?? (fallback ? "annual" : hourLong(r) ? "hourly" : "daily"),
        kg: facility === null ? null : facility * v.kgPerKwh,
        lowKg: facilityLow === null ? null : facilityLow * v.kgPerKwh * terms.low,
        highKg: facilityHigh === null ? null : facilityHigh * v.kgPerKwh * terms.high,
      };
    };
    const lead = figure(value);
    const other = figure(otherValue);
    const location = signal === "average" ? lead : other;
    const marginal = signal === "average" ? other : lead;
    // A plain object literal with every field: one hidden class for all rows (a spread per row is ~70x slower).
    return {
      provider: r.provider,
      account: r.account,
      region: r.region,
      instanceType: r.instanceType,
      unit: r.unit,
      quantity: r.quantity,
      periodStart: r.periodStart,
      periodEnd: r.periodEnd,
      estimated: r.estimated,
      cost: r.cost ?? null,
      currency: r.currency ?? null,
      gpuModel,
      gpuCount,
      gpuUtilization: chosen.u,
      powerWatts: power,
      powerLowWatts: powerLow,
      powerHighWatts: powerHigh,
      powerSource,
      powerStatus: status,
      energyKwh: energy,
      pue: region.pue,
      pueSource: region.pueSource,
      facilityEnergyKwh: facility,
      facilityEnergyLowKwh: facilityLow,
      facilityEnergyHighKwh: facilityHigh,
      intensityKgPerKwh: value.kgPerKwh,
      intensitySignal: value.signal,
      intensitySource: value.source,
      intensityNote: value.note,
      regionKnown: region.known,
      co2eKg: lead.kg,
      co2eLowKg: lead.lowKg,
      co2eHighKg: lead.highKg,
      utilizationRule: chosen.rule,
      powerBasis: basis,
      bandCovers: chosen.covers[fallbackIntensity ? 1 : 0],
      embodiedKg: embodied,
      embodiedLowKg: embodiedLow,
      embodiedHighKg: embodiedHigh,
      locationKgPerKwh: location.value.kgPerKwh,
      locationSource: location.value.source,
      locationNote: location.value.note,
      locationMatching: location.matching,
      co2eLocationKg: location.kg,
      co2eLocationLowKg: location.lowKg,
      co2eLocationHighKg: location.highKg,
      marginalKgPerKwh: marginal.value.kgPerKwh,
      marginalSource: marginal.value.source,
      marginalNote: marginal.value.note,
      marginalMatching: marginal.matching,
      co2MarginalKg: marginal.kg,
      co2MarginalLowKg: marginal.lowKg,
      co2MarginalHighKg: marginal.highKg,
      tags: r.tags,
    };
  };
  return { row, warnings: () => [...warnings.values()] };
}

/** Estimates a whole set of rows: see createEstimator. */
export function estimate(input: EstimateInput): { records: CarbonRecord[]; warnings: EstimateWarning[] } {
  const estimator = createEstimator(input);
  const records: CarbonRecord[] = new Array(input.records.length);
  for (let i = 0; i < input.records.length; i++) records[i] = estimator.row(input.records[i]!);
  return { records, warnings: estimator.warnings() };
}
