import type { EmbodiedFactors, InstanceSpec } from "../config/catalog.js";

const HOURS_PER_YEAR = 8760;

/** Embodied kg per billed instance-hour, central and the low/high of the per-server and per-GPU figures. */
export interface EmbodiedRate {
  kgPerHour: number;
  lowKgPerHour: number;
  highKgPerHour: number;
}

/**
 * Manufacturing emissions of the physical host (server + its accelerators), amortised per hour of this instance:
 *   (server + hostGpus × perGpu) × (gpuCount ÷ hostGpus) ÷ (lifetime years × 8,760 × occupancy)
 * A GPU-hour row is one GPU of its host: the caller multiplies by hours ÷ gpuCount. Never folded into energy.
 */
export function embodiedPerHour(f: EmbodiedFactors, spec: InstanceSpec): EmbodiedRate {
  const hostGpus = spec.hostGpus ?? spec.gpuCount;
  const share = spec.gpuCount / hostGpus;
  const hours = f.lifetimeYears.value * HOURS_PER_YEAR * f.occupancy.value;
  const rate = (server: number, perGpu: number): number => ((server + hostGpus * perGpu) * share) / hours;
  return {
    kgPerHour: rate(f.serverKg.value, f.perGpuKg.value),
    lowKgPerHour: rate(f.serverKg.low, f.perGpuKg.low),
    highKgPerHour: rate(f.serverKg.high, f.perGpuKg.high),
  };
}
