import { lit } from "../engine/duckdb.js";
import type { CarbonRecord, Matching, PowerStatus, ProviderId } from "../schema.js";

/** A window of whole UTC days as a filter on the ledger's period_start. */
export function windowFilter(w: { since: string; until: string }): string {
  return `period_start >= ${lit(`${w.since}T00:00:00Z`)}::TIMESTAMPTZ AND period_start < ${lit(`${w.until}T00:00:00Z`)}::TIMESTAMPTZ + INTERVAL 1 DAY`;
}

/** The ledger's columns as a report reads them: instants as the ISO text the files carry. */
export const recordSelect = `provider, account, region, instance_type, unit, quantity_hours,
  strftime(period_start, '%Y-%m-%dT%H:%M:%SZ') AS period_start, strftime(period_end, '%Y-%m-%dT%H:%M:%SZ') AS period_end,
  estimated, cost, currency, gpu_model, gpu_count, gpu_utilization, power_w, power_low_w, power_high_w, power_source, power_status,
  energy_kwh, pue, pue_source, facility_energy_kwh, facility_energy_low_kwh, facility_energy_high_kwh, intensity_kg_per_kwh,
  intensity_signal, intensity_source, intensity_note, region_known, co2e_kg, co2e_low_kg, co2e_high_kg,
  utilization_rule, power_basis, band_covers, embodied_kg, embodied_low_kg, embodied_high_kg,
  intensity_location_kg_per_kwh, location_source, location_note, location_matching, co2e_location_kg, co2e_location_low_kg,
  co2e_location_high_kg, intensity_marginal_kg_per_kwh, marginal_source, marginal_note, marginal_matching, co2_marginal_kg,
  co2_marginal_low_kg, co2_marginal_high_kg`;

const num = (v: unknown): number | null => (typeof v === "number" ? v : null);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

const matching = (v: unknown): Matching => (v === "hourly" || v === "daily" || v === "monthly" ? v : "annual");

const basis = (v: string | null): CarbonRecord["powerBasis"] => (v === "published" || v === "bounded" || v === "measured" ? v : null);

/** One ledger row (selected with `recordSelect`) as the CarbonRecord the run estimated. */
export function toCarbonRecord(r: Record<string, unknown>): CarbonRecord {
  const status = str(r.power_status);
  return {
    provider: r.provider as ProviderId,
    account: String(r.account),
    region: String(r.region),
    instanceType: String(r.instance_type),
    unit: r.unit as CarbonRecord["unit"],
    quantity: num(r.quantity_hours) ?? 0,
    periodStart: String(r.period_start),
    periodEnd: String(r.period_end),
    estimated: r.estimated === true,
    cost: num(r.cost),
    currency: str(r.currency),
    gpuModel: str(r.gpu_model),
    gpuCount: num(r.gpu_count),
    gpuUtilization: num(r.gpu_utilization) ?? 0,
    powerWatts: num(r.power_w),
    powerLowWatts: num(r.power_low_w),
    powerHighWatts: num(r.power_high_w),
    powerSource: str(r.power_source) ?? "",
    powerStatus: status === null || status === "ok" ? null : (status as PowerStatus),
    energyKwh: num(r.energy_kwh),
    pue: num(r.pue) ?? 0,
    pueSource: str(r.pue_source) ?? "",
    facilityEnergyKwh: num(r.facility_energy_kwh),
    facilityEnergyLowKwh: num(r.facility_energy_low_kwh),
    facilityEnergyHighKwh: num(r.facility_energy_high_kwh),
    intensityKgPerKwh: num(r.intensity_kg_per_kwh) ?? 0,
    intensitySignal: r.intensity_signal === "average" ? "average" : "marginal",
    intensitySource: str(r.intensity_source) ?? "",
    intensityNote: str(r.intensity_note) ?? "",
    regionKnown: r.region_known === true,
    co2eKg: num(r.co2e_kg),
    co2eLowKg: num(r.co2e_low_kg),
    co2eHighKg: num(r.co2e_high_kg),
    utilizationRule: str(r.utilization_rule) ?? "",
    powerBasis: basis(str(r.power_basis)),
    bandCovers: str(r.band_covers) ?? "",
    embodiedKg: num(r.embodied_kg),
    embodiedLowKg: num(r.embodied_low_kg),
    embodiedHighKg: num(r.embodied_high_kg),
    locationKgPerKwh: num(r.intensity_location_kg_per_kwh) ?? 0,
    locationSource: str(r.location_source) ?? "",
    locationNote: str(r.location_note) ?? "",
    locationMatching: matching(r.location_matching),
    co2eLocationKg: num(r.co2e_location_kg),
    co2eLocationLowKg: num(r.co2e_location_low_kg),
    co2eLocationHighKg: num(r.co2e_location_high_kg),
    marginalKgPerKwh: num(r.intensity_marginal_kg_per_kwh) ?? 0,
    marginalSource: str(r.marginal_source) ?? "",
    marginalNote: str(r.marginal_note) ?? "",
    marginalMatching: matching(r.marginal_matching),
    co2MarginalKg: num(r.co2_marginal_kg),
    co2MarginalLowKg: num(r.co2_marginal_low_kg),
    co2MarginalHighKg: num(r.co2_marginal_high_kg),
  };
}
