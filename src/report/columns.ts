import type { CarbonRecord } from "../schema.js";
import type { Suggestion } from "../calc/suggestions.js";
import type { Group, Totals } from "../calc/summary.js";
import { neutralizeText } from "./csv-safe.js";
import { plainDecimal } from "./numbers.js";

/**
 * What a column holds, in the words of a Frictionless Table Schema (datapackage.json) and of Parquet: `number` is
 * DOUBLE, `integer` BIGINT, `boolean` BOOLEAN, `datetime` TIMESTAMP WITH TIME ZONE, `string` VARCHAR.
 */
export type FieldType = "string" | "number" | "integer" | "boolean" | "datetime";

/**
 * A CSV column: its header (units in the name), how a value becomes a cell, and what it means. The type, unit and
 * description feed datapackage.json and the Parquet types; docs/csv-schema.md says the same for people.
 */
export interface Column<T> {
  header: string;
  cell: (row: T) => string;
  /** A number column's value (null: an empty cell), for writers that format it themselves (csv-bytes.ts). */
  value?: (row: T) => number | null;
  type: FieldType;
  /** Decimals always printed, for `number` columns. */
  decimals?: number;
  unit?: string;
  description: string;
}

// Each column remembers its last value and cell: consecutive rows of a detail CSV repeat most of them (sources,
// notes, power, PUE, intensity), and formatting is most of the time of writing one.
const txt = <T>(header: string, description: string, get: (r: T) => string | null): Column<T> => {
  let last: string | null | undefined;
  let lastCell = "";
  return {
    header,
    type: "string",
    description,
    cell: (r) => {
      const v = get(r);
      if (v !== last) {
        last = v;
        lastCell = neutralizeText(v ?? "");
      }
      return lastCell;
    },
  };
};
const bool = <T>(header: string, description: string, get: (r: T) => boolean): Column<T> => ({
  header,
  type: "boolean",
  description,
  cell: (r) => String(get(r)),
});
const instant = <T>(header: string, description: string, get: (r: T) => string): Column<T> => ({ header, type: "datetime", description, cell: get });
const num = <T>(header: string, digits: number, unit: string, description: string, get: (r: T) => number | null): Column<T> => ({
  header,
  type: digits === 0 ? "integer" : "number",
  ...(digits === 0 ? {} : { decimals: digits }),
  unit,
  description,
  cell: memoNumber((v) => plainDecimal(v, digits), get),
  value: get,
});

/** A number column's cells, the last one remembered (see txt). -0 and 0 print the same, so === is enough. */
function memoNumber<T>(format: (v: number) => string, get: (r: T) => number | null): (r: T) => string {
  let last: number | null | undefined;
  let lastCell = "";
  return (r) => {
    const v = get(r);
    if (v !== last) {
      last = v;
      lastCell = v === null ? "" : format(v);
    }
    return lastCell;
  };
}

export const detailColumns: Column<CarbonRecord>[] = [
  txt("provider", "aws, azure or gcp", (r) => r.provider),
  txt("account", "AWS account id, Azure subscription id or GCP project id: text, never a number", (r) => r.account),
  txt("region", "the provider's region code", (r) => r.region),
  txt("instance_type", "instance type, or a GPU id for GPUs billed per GPU", (r) => r.instanceType),
  txt("unit", "instance-hour, or gpu-hour for GPUs billed on their own", (r) => r.unit),
  num("quantity_hours", 6, "h", "hours of that unit in the period", (r) => r.quantity),
  instant("period_start", "start of the period, UTC", (r) => r.periodStart),
  instant("period_end", "end of the period, UTC, exclusive", (r) => r.periodEnd),
  bool("estimated", "the provider marked the figure as not final", (r) => r.estimated),
  num("cost", 4, "currency", "what the provider billed for those hours, in `currency` (empty if not known)", (r) => r.cost),
  txt("currency", "ISO 4217 code of cost", (r) => r.currency),
  txt("gpu_model", "accelerator id from the catalog", (r) => r.gpuModel),
  num("gpu_count", 4, "GPU", "accelerators per instance (fractions for partial GPUs; 1 for gpu-hour rows)", (r) => r.gpuCount),
  num("gpu_utilization", 3, "1", "the accelerator power fraction between idle and TDP used for this row", (r) => r.gpuUtilization),
  num("power_w", 1, "W", "IT power of one instance (or one GPU) at gpu_utilization", (r) => r.powerWatts),
  num("power_low_w", 1, "W", "the same at the low end of the utilisation band", (r) => r.powerLowWatts),
  num("power_high_w", 1, "W", "the same at the high end of the utilisation band", (r) => r.powerHighWatts),
  txt("power_source", "the catalog entries behind the power figure", (r) => r.powerSource),
  txt("power_status", "ok, unknown-type or no-tdp; not ok means energy and CO2e are empty and left out of totals", (r) => r.powerStatus ?? "ok"),
  num("energy_kwh", 6, "kWh", "power_w × quantity_hours / 1000", (r) => r.energyKwh),
  num("pue", 3, "1", "power usage effectiveness applied", (r) => r.pue),
  txt("pue_source", "where the PUE comes from, with its year", (r) => r.pueSource),
  num("facility_energy_kwh", 6, "kWh", "energy_kwh × pue", (r) => r.facilityEnergyKwh),
  num("facility_energy_low_kwh", 6, "kWh", "the same at the low end of the utilisation and PUE bands", (r) => r.facilityEnergyLowKwh),
  num("facility_energy_high_kwh", 6, "kWh", "the same at the high end of the utilisation and PUE bands", (r) => r.facilityEnergyHighKwh),
  num("intensity_kg_per_kwh", 6, "kg/kWh", "grid carbon intensity applied", (r) => r.intensityKgPerKwh),
  txt("intensity_signal", "the signal --signal chose to lead (average or marginal); both are in the columns at the end", (r) => r.intensitySignal),
  txt("intensity_source", "machine-readable: watttime:historical, watttime:current, fallback:<dataset>@<year>", (r) => r.intensitySource),
  txt("intensity_note", "the human reason for a fallback or a gap", (r) => r.intensityNote),
  bool("region_known", "false when the region is not in config/regions.json", (r) => r.regionKnown),
  num("co2e_kg", 6, "kg", "facility_energy_kwh × intensity_kg_per_kwh", (r) => r.co2eKg),
  num("co2e_low_kg", 6, "kg", "low end of the band (see band_covers)", (r) => r.co2eLowKg),
  num("co2e_high_kg", 6, "kg", "high end of the band (see band_covers)", (r) => r.co2eHighKg),
  txt("utilization_rule", "what set gpu_utilization: the --gpu-util preset or value, a config rule's name, or measured", (r) => r.utilizationRule),
  txt("power_basis", "modelled, measured (from --utilization) or bounded (an accelerator without a published TDP)", (r) => r.powerBasis),
  txt("band_covers", "the uncertainties the low/high band multiplies: utilisation, PUE, intensity", (r) => r.bandCovers),
  num("embodied_kg", 6, "kg", "manufacturing emissions amortised over these hours; never part of co2e_kg", (r) => r.embodiedKg),
  num("embodied_low_kg", 6, "kg", "low end of the embodied band", (r) => r.embodiedLowKg),
  num("embodied_high_kg", 6, "kg", "high end of the embodied band", (r) => r.embodiedHighKg),
  // Both signals on every row, whatever --signal leads with (the columns above repeat the lead one). Added at the end.
  num("intensity_location_kg_per_kwh", 6, "kg/kWh", "location-based (grid average) intensity for this row's period", (r) => r.locationKgPerKwh),
  txt("location_source", "machine-readable: eia:hourly, gb-carbon-intensity:actual, fallback:<dataset>@<year>", (r) => r.locationSource),
  txt("location_note", "the human reason for a location-based fallback or gap", (r) => r.locationNote),
  txt("location_matching", "hourly, daily (mean of that day's hourly values), monthly or annual", (r) => r.locationMatching),
  num("co2e_location_kg", 6, "kg", "facility_energy_kwh × intensity_location_kg_per_kwh: the inventory (Scope 3 cat. 1) figure", (r) => r.co2eLocationKg),
  num("co2e_location_low_kg", 6, "kg", "low end of the location-based band", (r) => r.co2eLocationLowKg),
  num("co2e_location_high_kg", 6, "kg", "high end of the location-based band", (r) => r.co2eLocationHighKg),
  num("intensity_marginal_kg_per_kwh", 6, "kg/kWh", "marginal (WattTime MOER) intensity for this row's period, CO2 only", (r) => r.marginalKgPerKwh),
  txt("marginal_source", "machine-readable: watttime:historical, watttime:current, fallback:<dataset>@<year>", (r) => r.marginalSource),
  txt("marginal_note", "the human reason for a marginal fallback or gap", (r) => r.marginalNote),
  txt("marginal_matching", "hourly, daily (mean of that day's values) or annual", (r) => r.marginalMatching),
  num("co2_marginal_kg", 6, "kg", "facility_energy_kwh × intensity_marginal_kg_per_kwh: CO2 for decisions, never an inventory line", (r) => r.co2MarginalKg),
  num("co2_marginal_low_kg", 6, "kg", "low end of the marginal band", (r) => r.co2MarginalLowKg),
  num("co2_marginal_high_kg", 6, "kg", "high end of the marginal band", (r) => r.co2MarginalHighKg),
];

type SummaryRow = Group<{ provider: string; region: string; instanceType: string }>;
const t = (get: (x: Totals) => number | null) => (g: SummaryRow) => get(g.totals);

export const summaryColumns: Column<SummaryRow>[] = [
  txt("provider", "the group's provider", (g) => g.key.provider),
  txt("region", "the group's region", (g) => g.key.region),
  txt("instance_type", "the group's instance type", (g) => g.key.instanceType),
  num("rows", 0, "rows", "detail rows in the group", t((x) => x.rows)),
  num("quantity_hours", 6, "h", "all hours, including rows of unknown power", t((x) => x.hours)),
  num("unknown_power_hours", 6, "h", "hours whose energy is unknown (left out of the figures below)", t((x) => x.unknownPowerHours)),
  num("energy_kwh", 6, "kWh", "IT energy", t((x) => x.energyKwh)),
  num("facility_energy_kwh", 6, "kWh", "facility energy", t((x) => x.facilityEnergyKwh)),
  num("facility_energy_low_kwh", 6, "kWh", "facility energy at the low power", t((x) => x.facilityEnergyLowKwh)),
  num("facility_energy_high_kwh", 6, "kWh", "facility energy at the high power", t((x) => x.facilityEnergyHighKwh)),
  num("fallback_facility_energy_kwh", 6, "kWh", "facility energy whose intensity was a fallback", t((x) => x.fallbackFacilityEnergyKwh)),
  num("co2e_kg", 6, "kg", "CO2e", t((x) => x.co2eKg)),
  num("co2e_low_kg", 6, "kg", "low end of the CO2e band", t((x) => x.co2eLowKg)),
  num("co2e_high_kg", 6, "kg", "high end of the CO2e band", t((x) => x.co2eHighKg)),
  num("cost", 4, "currency", "billed cost, when the group's rows share one currency", t((x) => x.cost)),
  txt("currency", "ISO 4217 code of cost", (g) => g.totals.currency),
  num("embodied_kg", 6, "kg", "embodied (manufacturing) emissions of the group's hours", t((x) => x.embodiedKg)),
  num("embodied_low_kg", 6, "kg", "low end of the embodied band", t((x) => x.embodiedLowKg)),
  num("embodied_high_kg", 6, "kg", "high end of the embodied band", t((x) => x.embodiedHighKg)),
  num("co2e_location_kg", 6, "kg", "location-based CO2e (the inventory figure)", t((x) => x.co2eLocationKg)),
  num("co2e_location_low_kg", 6, "kg", "low end of the location-based band", t((x) => x.co2eLocationLowKg)),
  num("co2e_location_high_kg", 6, "kg", "high end of the location-based band", t((x) => x.co2eLocationHighKg)),
  num("co2_marginal_kg", 6, "kg", "marginal CO2 (the decision figure)", t((x) => x.co2MarginalKg)),
  num("co2_marginal_low_kg", 6, "kg", "low end of the marginal band", t((x) => x.co2MarginalLowKg)),
  num("co2_marginal_high_kg", 6, "kg", "high end of the marginal band", t((x) => x.co2MarginalHighKg)),
];

/** carbon_suggestions<stamp>.csv: one row per emitter × cleaner region. */
export const suggestionColumns: Column<Suggestion>[] = [
  txt("provider", "the emitter's provider", (s) => s.provider),
  txt("instance_type", "the emitter's instance type", (s) => s.instanceType),
  txt("from_region", "where it ran", (s) => s.fromRegion),
  txt("to_region", "the cleaner region", (s) => s.toRegion),
  txt("to_location", "where the cleaner region is", (s) => s.toLocation),
  num("quantity_hours", 6, "h", "the emitter's hours", (s) => s.hours),
  num("energy_kwh", 6, "kWh", "IT energy, the same in both regions", (s) => s.energyKwh),
  num("from_pue", 3, "1", "PUE where it ran", (s) => s.fromPue),
  num("to_pue", 3, "1", "PUE of the cleaner region", (s) => s.toPue),
  num("from_intensity_kg_per_kwh", 6, "kg/kWh", "energy-weighted mean intensity where it ran", (s) => s.fromIntensityKgPerKwh),
  num("to_intensity_kg_per_kwh", 6, "kg/kWh", "energy-weighted mean intensity of the cleaner region, same periods", (s) => s.toIntensityKgPerKwh),
  txt("intensity_signal", "the ranking signal: marginal (the decision signal), so from/to/saving columns are CO2", (s) => s.signal),
  txt("to_intensity_source", "the sources used for the cleaner region, ;-separated", (s) => s.toIntensitySource),
  num("from_co2e_kg", 6, "kg", "CO2e where it ran", (s) => s.fromCo2eKg),
  num("to_co2e_kg", 6, "kg", "CO2e in the cleaner region", (s) => s.toCo2eKg),
  num("saving_co2e_kg", 6, "kg", "from_co2e_kg − to_co2e_kg", (s) => s.savingKg),
  num("saving_percent", 2, "%", "saving as a share of from_co2e_kg", (s) => s.savingPercent),
  num("from_location_co2e_kg", 6, "kg", "location-based CO2e where it ran, beside the marginal ranking", (s) => s.fromLocationCo2eKg),
  num("to_location_co2e_kg", 6, "kg", "location-based CO2e in the cleaner region, same periods", (s) => s.toLocationCo2eKg),
  num("location_change_kg", 6, "kg", "to_location_co2e_kg − from_location_co2e_kg: the move on the inventory figure (positive = more)", (s) => s.locationChangeKg),
];
