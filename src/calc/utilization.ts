import { nameTable } from "../text/name-table.js";

/** Named accelerator power fractions (POWER-MODEL.md): `u` between idle and TDP, not nvidia-smi's GPU-Util. */
export const utilizationPresets = nameTable({ idle: 0, inference: 0.3, default: 0.5, training: 0.9, max: 1 } as const);

const ladder = [0, 0.3, 0.5, 0.9, 1] as const;

/**
 * The band around a chosen `u`: the nearest preset strictly below and above it (clamped at 0 and 1),
 * so the default 0.5 is bounded by inference (0.3) and training (0.9).
 */
export function utilizationBand(u: number): { low: number; high: number } {
  let low = 0;
  let high = 1;
  for (const step of ladder) {
    if (step < u) low = step;
    if (step > u && high === 1) high = step;
  }
  return { low: u === 0 ? 0 : low, high: u === 1 ? 1 : high };
}
