import type { Catalog, InstanceSpec } from "../config/catalog.js";
import type { ProviderId } from "../schema.js";

/** GiB → GB, for memory the providers list in GiB; the memory coefficient is per GB. */
export const gibToGb = (gib: number): number => gib * 1.073741824;

/** The idle ratio used where a GPU's idle power is not published (Teads/CCF: 0.116, rounded). */
export const defaultIdleRatio = 0.12;

/** A per-instance power model, ready to evaluate at any accelerator utilization. */
export interface PowerModel {
  gpuModel: string;
  gpuCount: number;
  /** Watts of the accelerators at u = 0 and the extra watts per unit of u. */
  gpuIdleWatts: number;
  gpuDynamicWatts: number;
  /** Host CPU, platform and memory watts (constant in u, at u_cpu). */
  hostWatts: number;
  source: string;
}

export type PowerModelResult = { ok: true; model: PowerModel } | { ok: false; reason: "no-tdp"; gpuModel: string; gpuCount: number };

/**
 * Builds the model of POWER-MODEL.md for one catalog entry:
 * P_IT(u) = n_gpu × [idle + u × (TDP − idle)] + n_vcpu × [Wmin + u_cpu × (Wmax − Wmin)] + memory_GB × 0.392.
 * GPU-hour entries (GCP N1-attached GPUs) have no host: their host is billed as its own machine type.
 */
export function buildPowerModel(catalog: Catalog, provider: ProviderId, spec: InstanceSpec, cpuUtilization = 0.5): PowerModelResult {
  const gpu = catalog.gpus.get(spec.gpu);
  if (!gpu || gpu.tdpW === null) return { ok: false, reason: "no-tdp", gpuModel: spec.gpu, gpuCount: spec.gpuCount };
  const idle = gpu.idleW ?? defaultIdleRatio * gpu.tdpW;

  let hostWatts = 0;
  if (spec.vcpus !== null) {
    const cpu = (spec.cpuFamily && catalog.cpuFamilies.get(spec.cpuFamily)) || catalog.providerCpuDefaults.get(provider);
    if (cpu) hostWatts += spec.vcpus * (cpu.wminPerVcpu + cpuUtilization * (cpu.wmaxPerVcpu - cpu.wminPerVcpu));
  }
  if (spec.memory !== null) {
    const memoryGb = spec.memoryUnit === "GiB" ? gibToGb(spec.memory) : spec.memory;
    hostWatts += memoryGb * catalog.memoryWattsPerGb;
  }
  return {
    ok: true,
    model: {
      gpuModel: spec.gpu,
      gpuCount: spec.gpuCount,
      gpuIdleWatts: spec.gpuCount * idle,
      gpuDynamicWatts: spec.gpuCount * (gpu.tdpW - idle),
      hostWatts,
      source: `${spec.gpuCount} x ${spec.gpu} (${gpu.source}); host: ${spec.source}`,
    },
  };
}

/** IT power in watts at accelerator utilization u (0..1). */
export const powerAt = (m: PowerModel, u: number): number => m.gpuIdleWatts + u * m.gpuDynamicWatts + m.hostWatts;
