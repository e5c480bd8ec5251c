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
 * A GPU billed per GPU-hour carries its card only, and a host without accelerators (the N1 host of attached GPUs)
 * its vCPU share of the server: together they count the N1 server and its cards once. Never folded into energy.
 */
export function embodiedPerHour(f: EmbodiedFactors, spec: InstanceSpec): EmbodiedRate {
  const hours = f.lifetimeYears.value * HOURS_PER_YEAR * f.occupancy.value;
  if (spec.gpuCount === 0) {
    // A host without accelerators: its vCPU share of the server; its GPUs' share is on their own GPU-hour rows.
    const share = (spec.vcpus ?? 0) / (spec.hostVcpus ?? spec.vcpus ?? 1);
    const rate = (server: number): number => (server * share) / hours;
    return { kgPerHour: rate(f.serverKg.value), lowKgPerHour: rate(f.serverKg.low), highKgPerHour: rate(f.serverKg.high) };
  }
  if (spec.billingUnit === "gpu-hour") {
    // A GPU billed apart from its host (GCP N1): the card only; the server is on the host's own rows, counted once.
    const rate = (perGpu: number): number => (perGpu * spec.gpuCount) / hours;
    return { kgPerHour: rate(f.perGpuKg.value), lowKgPerHour: rate(f.perGpuKg.low), highKgPerHour: rate(f.perGpuKg.high) };
  }
  const hostGpus = spec.hostGpus ?? spec.gpuCount;
  const share = spec.gpuCount / hostGpus;
  const rate = (server: number, perGpu: number): number => ((server + hostGpus * perGpu) * share) / hours;
  return {
    kgPerHour: rate(f.serverKg.value, f.perGpuKg.value),
    lowKgPerHour: rate(f.serverKg.low, f.perGpuKg.low),
    highKgPerHour: rate(f.serverKg.high, f.perGpuKg.high),
  };
}
