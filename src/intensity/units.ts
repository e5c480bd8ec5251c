/** One avoirdupois pound in kilograms (exact, by the 1959 international yard and pound agreement). */
const KG_PER_LB = 0.45359237;

/**
 * WattTime publishes MOER in pounds of CO2 per megawatt-hour; the pipeline works in kg per kWh.
 * lbs/MWh × 0.45359237 kg/lb ÷ 1000 kWh/MWh.
 */
export function lbsPerMwhToKgPerKwh(lbsPerMwh: number): number {
  return (lbsPerMwh * KG_PER_LB) / 1000;
}
