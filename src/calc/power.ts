import type { Catalog, InstanceSpec } from "../config/catalog.js";
import type { ProviderId } from "../schema.js";

/** GiB → GB, for memory the providers list in GiB; the memory coefficient is per GB. */
export const gibToGb = (gib: number): number => gib * 1.073741824;

/** The idle ratio used where a GPU's idle power is not published (Teads/CCF: 0.116, rounded). */
export const defaultIdleRatio = 0.12;

/** Where an accelerator's power figures come from: a vendor figure, or a bound from system figures (no vendor figure). */
export type PowerBasis = "published" | "bounded";

/**
 * A per-instance power model, linear in the accelerator utilization u: P(u) = idle + u × dynamic, each part kept
 * apart so rows and docs can say where the watts come from (docs/methodology.md).
 */
export interface PowerModel {
  /** Null for a host without accelerators. */
  gpuModel: string | null;
  gpuCount: number;
  /** Accelerators: watts at u = 0 and the extra watts per unit of u. */
  gpuIdleWatts: number;
  gpuDynamicWatts: number;
  /** Switch fabric, NICs, fans, BMC and PSU losses of the accelerator board, scaled with the accelerators. */
  platformIdleWatts: number;
  platformDynamicWatts: number;
  /** Host CPU (SPECpower per vCPU) and memory above the baseline: the host, absent for GPU-hour rows. */
  hostIdleWatts: number;
  hostDynamicWatts: number;
  basis: PowerBasis;
  source: string;
}

export type PowerModelResult = { ok: true; model: PowerModel } | { ok: false; reason: "no-tdp"; gpuModel: string; gpuCount: number };

/**
 * Builds the model of docs/methodology.md for one catalog entry:
 *   accelerators  n × [idle + u × (TDP − idle)]
 *   platform      (1 + loss) × ΣTDP × (a + b × u) + loss × accelerators      (a, b per board class)
 *   host CPU      n_vcpu × [Wmin + u_cpu × (Wmax − Wmin)],  u_cpu = floor + (1 − floor) × u
 *   memory        max(0, GB − baseline GB per vCPU × n_vcpu) × 0.392 W
 * GPU-hour entries (GCP N1-attached GPUs) have no host in the catalog: their host is billed as its own machine type.
 */
export function buildPowerModel(catalog: Catalog, provider: ProviderId, spec: InstanceSpec): PowerModelResult {
  const { platform: terms, hostCpu, memoryBaseline } = catalog.power;
  let gpuIdleWatts = 0;
  let gpuDynamicWatts = 0;
  let platformIdleWatts = 0;
  let platformDynamicWatts = 0;
  let basis: PowerBasis = "published";
  let board = "no accelerator";
  // A host without accelerators (gpu null) is only its CPU and memory.
  if (spec.gpu !== null) {
    const gpu = catalog.gpus.get(spec.gpu);
    if (!gpu || gpu.tdpW === null) return { ok: false, reason: "no-tdp", gpuModel: spec.gpu, gpuCount: spec.gpuCount };
    const idle = gpu.idleW ?? defaultIdleRatio * gpu.tdpW;
    const cls = terms[gpu.platform];
    const loss = terms.psuLossFraction;
    gpuIdleWatts = spec.gpuCount * idle;
    gpuDynamicWatts = spec.gpuCount * (gpu.tdpW - idle);
    const tdpSum = spec.gpuCount * gpu.tdpW;
    platformIdleWatts = (1 + loss) * tdpSum * cls.idleFraction + loss * gpuIdleWatts;
    platformDynamicWatts = (1 + loss) * tdpSum * cls.loadFraction + loss * gpuDynamicWatts;
    basis = gpu.powerBasis;
    board = `${spec.gpuCount} x ${spec.gpu} (${gpu.source}); ${gpu.platform} platform`;
  }

  let hostIdleWatts = 0;
  let hostDynamicWatts = 0;
  if (spec.vcpus !== null) {
    const cpu = (spec.cpuFamily && catalog.cpuFamilies.get(spec.cpuFamily)) || catalog.providerCpuDefaults.get(provider);
    if (cpu) {
      const span = spec.vcpus * (cpu.wmaxPerVcpu - cpu.wminPerVcpu);
      hostIdleWatts += spec.vcpus * cpu.wminPerVcpu + hostCpu.floor * span;
      hostDynamicWatts += (1 - hostCpu.floor) * span;
    }
  }
  if (spec.memory !== null) {
    const memoryGb = spec.memoryUnit === "GiB" ? gibToGb(spec.memory) : spec.memory;
    const baseline = (spec.vcpus ?? 0) * memoryBaseline.gbPerVcpu;
    hostIdleWatts += Math.max(0, memoryGb - baseline) * catalog.memoryWattsPerGb;
  }
  return {
    ok: true,
    model: {
      gpuModel: spec.gpu,
      gpuCount: spec.gpuCount,
      gpuIdleWatts,
      gpuDynamicWatts,
      platformIdleWatts,
      platformDynamicWatts,
      hostIdleWatts,
      hostDynamicWatts,
      basis,
      source: `${board}; host: ${spec.source}`,
    },
  };
}

/** Watts of the accelerators and their platform at u (a GPU-hour row takes 1 ÷ gpuCount of it). */
export const boardAt = (m: PowerModel, u: number): number =>
  m.gpuIdleWatts + m.platformIdleWatts + u * (m.gpuDynamicWatts + m.platformDynamicWatts);

/** Watts of the host (CPU and memory above the baseline) at u. */
export const hostAt = (m: PowerModel, u: number): number => m.hostIdleWatts + u * m.hostDynamicWatts;

/** IT power in watts at accelerator utilization u (0..1). */
export const powerAt = (m: PowerModel, u: number): number => boardAt(m, u) + hostAt(m, u);

/** The accelerator u at which one GPU draws `watts` (a measurement): clamped to 0..1. */
export function utilizationFromGpuWatts(catalog: Catalog, gpuModel: string, watts: number): number | null {
  const gpu = catalog.gpus.get(gpuModel);
  if (!gpu || gpu.tdpW === null) return null;
  const idle = gpu.idleW ?? defaultIdleRatio * gpu.tdpW;
  return Math.min(1, Math.max(0, (watts - idle) / (gpu.tdpW - idle)));
}
