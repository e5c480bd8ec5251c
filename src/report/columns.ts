import type { CarbonRecord } from "../schema.js";
import type { Suggestion } from "../calc/suggestions.js";
import type { Group, Totals } from "../calc/summary.js";
import { neutralizeText } from "./csv-safe.js";
import { plainDecimal } from "./numbers.js";

/** A CSV column: its header (units in the name) and how a value becomes a cell. Documented in docs/csv-schema.md. */
export interface Column<T> {
  header: string;
  cell: (row: T) => string;
}

const txt = <T>(header: string, get: (r: T) => string | null): Column<T> => ({ header, cell: (r) => neutralizeText(get(r) ?? "") });
const num = <T>(header: string, digits: number, get: (r: T) => number | null): Column<T> => ({
  header,
  cell: (r) => {
    const v = get(r);
    return v === null ? "" : plainDecimal(v, digits);
  },
});

export const detailColumns: Column<CarbonRecord>[] = [
  txt("provider", (r) => r.provider),
  txt("account", (r) => r.account),
  txt("region", (r) => r.region),
  txt("instance_type", (r) => r.instanceType),
  txt("unit", (r) => r.unit),
  num("quantity_hours", 6, (r) => r.quantity),
  txt("period_start", (r) => r.periodStart),
  txt("period_end", (r) => r.periodEnd),
  txt("estimated", (r) => String(r.estimated)),
  num("cost", 4, (r) => r.cost),
  txt("currency", (r) => r.currency),
  txt("gpu_model", (r) => r.gpuModel),
  num("gpu_count", 4, (r) => r.gpuCount),
  num("gpu_utilization", 3, (r) => r.gpuUtilization),
  num("power_w", 1, (r) => r.powerWatts),
  num("power_low_w", 1, (r) => r.powerLowWatts),
  num("power_high_w", 1, (r) => r.powerHighWatts),
  txt("power_source", (r) => r.powerSource),
  txt("power_status", (r) => r.powerStatus ?? "ok"),
  num("energy_kwh", 6, (r) => r.energyKwh),
  num("pue", 3, (r) => r.pue),
  txt("pue_source", (r) => r.pueSource),
  num("facility_energy_kwh", 6, (r) => r.facilityEnergyKwh),
  num("facility_energy_low_kwh", 6, (r) => r.facilityEnergyLowKwh),
  num("facility_energy_high_kwh", 6, (r) => r.facilityEnergyHighKwh),
  num("intensity_kg_per_kwh", 6, (r) => r.intensityKgPerKwh),
  txt("intensity_signal", (r) => r.intensitySignal),
  txt("intensity_source", (r) => r.intensitySource),
  txt("intensity_note", (r) => r.intensityNote),
  txt("region_known", (r) => String(r.regionKnown)),
  num("co2e_kg", 6, (r) => r.co2eKg),
  num("co2e_low_kg", 6, (r) => r.co2eLowKg),
  num("co2e_high_kg", 6, (r) => r.co2eHighKg),
  txt("utilization_rule", (r) => r.utilizationRule),
  txt("power_basis", (r) => r.powerBasis),
  txt("band_covers", (r) => r.bandCovers),
  num("embodied_kg", 6, (r) => r.embodiedKg),
  num("embodied_low_kg", 6, (r) => r.embodiedLowKg),
  num("embodied_high_kg", 6, (r) => r.embodiedHighKg),
];

type SummaryRow = Group<{ provider: string; region: string; instanceType: string }>;
const t = (get: (x: Totals) => number | null) => (g: SummaryRow) => get(g.totals);

export const summaryColumns: Column<SummaryRow>[] = [
  txt("provider", (g) => g.key.provider),
  txt("region", (g) => g.key.region),
  txt("instance_type", (g) => g.key.instanceType),
  num("rows", 0, t((x) => x.rows)),
  num("quantity_hours", 6, t((x) => x.hours)),
  num("unknown_power_hours", 6, t((x) => x.unknownPowerHours)),
  num("energy_kwh", 6, t((x) => x.energyKwh)),
  num("facility_energy_kwh", 6, t((x) => x.facilityEnergyKwh)),
  num("facility_energy_low_kwh", 6, t((x) => x.facilityEnergyLowKwh)),
  num("facility_energy_high_kwh", 6, t((x) => x.facilityEnergyHighKwh)),
  num("fallback_facility_energy_kwh", 6, t((x) => x.fallbackFacilityEnergyKwh)),
  num("co2e_kg", 6, t((x) => x.co2eKg)),
  num("co2e_low_kg", 6, t((x) => x.co2eLowKg)),
  num("co2e_high_kg", 6, t((x) => x.co2eHighKg)),
  num("cost", 4, t((x) => x.cost)),
  txt("currency", (g) => g.totals.currency),
  num("embodied_kg", 6, t((x) => x.embodiedKg)),
  num("embodied_low_kg", 6, t((x) => x.embodiedLowKg)),
  num("embodied_high_kg", 6, t((x) => x.embodiedHighKg)),
];

/** carbon_suggestions<stamp>.csv: one row per emitter × cleaner region. */
export const suggestionColumns: Column<Suggestion>[] = [
  txt("provider", (s) => s.provider),
  txt("instance_type", (s) => s.instanceType),
  txt("from_region", (s) => s.fromRegion),
  txt("to_region", (s) => s.toRegion),
  txt("to_location", (s) => s.toLocation),
  num("quantity_hours", 6, (s) => s.hours),
  num("energy_kwh", 6, (s) => s.energyKwh),
  num("from_pue", 3, (s) => s.fromPue),
  num("to_pue", 3, (s) => s.toPue),
  num("from_intensity_kg_per_kwh", 6, (s) => s.fromIntensityKgPerKwh),
  num("to_intensity_kg_per_kwh", 6, (s) => s.toIntensityKgPerKwh),
  txt("intensity_signal", (s) => s.signal),
  txt("to_intensity_source", (s) => s.toIntensitySource),
  num("from_co2e_kg", 6, (s) => s.fromCo2eKg),
  num("to_co2e_kg", 6, (s) => s.toCo2eKg),
  num("saving_co2e_kg", 6, (s) => s.savingKg),
  num("saving_percent", 2, (s) => s.savingPercent),
];
