/**
 * Lifecycle emission factors per EIA-930 fuel code, in kg CO2e per kWh generated. IPCC AR5 WGIII Annex III,
 * Table A.III.2 (Schlömer et al. 2014), medians; oil has no AR5 figure and takes 650 g (UK POST 2014, as
 * Electricity Maps does); other and unknown take 700 g ("unknown, assumes thermal", Electricity Maps defaults).
 * Solar uses the AR5 utility-PV median (48 g) for every zone.
 */
export const lifecycleKgPerKwh: Readonly<Record<string, number>> = Object.freeze({
  COL: 0.82,
  NG: 0.49,
  OIL: 0.65,
  NUC: 0.012,
  WAT: 0.024,
  SUN: 0.048,
  SNB: 0.048,
  WND: 0.011,
  WNB: 0.011,
  GEO: 0.038,
  OTH: 0.7,
  UNK: 0.7,
});

/**
 * Storage codes: charging shows as negative generation and discharging re-delivers energy generated (and counted)
 * earlier, so storage is left out rather than counted as zero-carbon generation.
 */
export const storageCodes: ReadonlySet<string> = new Set(["BAT", "PS", "OES", "UES"]);

/** An unknown code is treated as thermal, like OTH. */
export const unknownFuelKgPerKwh = 0.7;
