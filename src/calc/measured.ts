/** One instance type's measured GPU load over one UTC day or hour: mean watts per GPU, or mean GPU-Util as a fraction. */
export interface Measurement {
  kind: "power" | "utilization";
  /** Watts per GPU (power) or 0..1 (utilization). */
  value: number;
  samples: number;
  /** The file and exporter format it came from, for the row's power_source. */
  source: string;
}

/**
 * Measurements by instance type (`provider:type` or bare `type`), then by UTC day (`2026-10-01`) and UTC hour
 * (`2026-10-01T13`).
 */
export type MeasuredUtilization = ReadonlyMap<string, ReadonlyMap<string, Measurement>>;

const HOUR_MS = 3_600_000;

/** The measurement that covers a usage row: an hourly row takes its hour's mean where there is one, else its day's. */
export function measurementFor(measured: MeasuredUtilization, provider: string, instanceType: string, periodStart: string, periodEnd: string): Measurement | undefined {
  const byPeriod = measured.get(`${provider}:${instanceType}`) ?? measured.get(instanceType);
  if (!byPeriod) return undefined;
  const hourly = Date.parse(periodEnd) - Date.parse(periodStart) === HOUR_MS;
  return (hourly ? byPeriod.get(periodStart.slice(0, 13)) : undefined) ?? byPeriod.get(periodStart.slice(0, 10));
}
