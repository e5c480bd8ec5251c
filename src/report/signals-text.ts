import type { Totals } from "../calc/summary.js";
import type { IntensitySignal } from "../schema.js";
import { human, percent } from "./numbers.js";

/** What each figure is, named as an auditor reads it: CO2e for lifecycle averages, CO2 for WattTime's MOER. */
export const figureName: Record<IntensitySignal, string> = {
  average: "Location-based CO2e (inventory figure: GHG Protocol Scope 3 cat. 1)",
  marginal: "Marginal CO2 (WattTime MOER, CO2 only: for decisions, never an inventory line)",
};

/** The one line that says what the two signals mean and why they disagree. */
export const signalsExplained =
  "Location-based = the grid's average mix over the hours used; marginal = the plant that answers one more kWh. They " +
  "disagree where a clean average meets fossil plants at the margin (Sweden: about 0.025 kg/kWh average, 0.79 marginal); " +
  "the two are never added.";

/** Both totals, the lead one first, each with its band and how much of its energy had a time-matched signal. */
export function signalTotals(t: Totals, lead: IntensitySignal): string[] {
  const line = (s: IntensitySignal): string => {
    const [kg, low, high, fallbackKwh] =
      s === "average"
        ? [t.co2eLocationKg, t.co2eLocationLowKg, t.co2eLocationHighKg, t.locationFallbackFacilityEnergyKwh]
        : [t.co2MarginalKg, t.co2MarginalLowKg, t.co2MarginalHighKg, null];
    const matched = fallbackKwh === null ? "" : `; on annual fallback: ${percent(fallbackKwh, t.facilityEnergyKwh)}`;
    return `${figureName[s]}: ${human(kg)} kg (band ${human(low)} – ${human(high)} kg${matched})`;
  };
  const other: IntensitySignal = lead === "average" ? "marginal" : "average";
  return [line(lead), line(other)];
}
