/** One instance type's measured GPU load over one UTC day: mean watts per GPU, or mean GPU-Util as a fraction. */
export interface Measurement {
  kind: "power" | "utilization";
  /** Watts per GPU (power) or 0..1 (utilization). */
  value: number;
  samples: number;
  /** The file and exporter format it came from, for the row's power_source. */
  source: string;
}

/** Measurements by instance type, then by UTC day (YYYY-MM-DD); a provider-qualified key wins over a bare one. */
export type MeasuredUtilization = ReadonlyMap<string, ReadonlyMap<string, Measurement>>;

/** The measurement that covers a usage row, if any. */
export function measurementFor(measured: MeasuredUtilization, provider: string, instanceType: string, periodStart: string): Measurement | undefined {
  const day = periodStart.slice(0, 10);
  return measured.get(`${provider}:${instanceType}`)?.get(day) ?? measured.get(instanceType)?.get(day);
}
