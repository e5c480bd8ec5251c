import { nameTable } from "../text/name-table.js";

/**
 * Named accelerator power fractions: `u` between idle and TDP, not nvidia-smi's GPU-Util. Calibrated against
 * measurements (docs/methodology.md): training 0.9 puts an 8×H100 node at ~7.5 kW (Newkirk et al. 2025: 7.75 kW),
 * fine-tuning 0.75 at ~6.5 kW (MLPerf Training v4.0 Llama2-70B-LoRA: 6.74 kW), batch inference 0.45 near
 * MI300X decode (~47 % of TDP), online inference 0.25 inside H200 decode (u 0.1-0.37) and BLOOM's API (u ≈ 0.15).
 * `inference` (0.3) and `default` (0.5, CCF's convention when nothing is known) keep their earlier meaning.
 */
export const utilizationPresets = nameTable({
  idle: 0,
  "online-inference": 0.25,
  inference: 0.3,
  "batch-inference": 0.45,
  default: 0.5,
  "fine-tuning": 0.75,
  training: 0.9,
  max: 1,
} as const);
export type UtilizationPreset = keyof typeof utilizationPresets;

const ladder = [0, 0.3, 0.5, 0.9, 1] as const;

/**
 * The utilisation part of the band around a chosen `u`: the nearest step of 0, 0.3, 0.5, 0.9, 1 strictly below
 * and above it (clamped at 0 and 1), so the default 0.5 is bounded by inference (0.3) and training (0.9).
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

/** A measured u is known to within ± `spread` (averaging and the idle/TDP figures it is read against). */
export function measuredBand(u: number, spread: number): { low: number; high: number } {
  return { low: Math.max(0, u - spread), high: Math.min(1, u + spread) };
}

/**
 * Which rows a config rule sets `u` for; every given field must match. A rule's tag `team` is the row's value of
 * `--group-by tag:team`: it matches only in runs that group by that tag.
 */
export interface UtilizationMatch {
  provider?: string;
  account?: string;
  region?: string;
  instanceType?: string;
  tags?: Readonly<Record<string, string>>;
}

export interface UtilizationRule {
  /** What the row's `utilization_rule` column says: the rule's name, or its position in the config. */
  name: string;
  match: UtilizationMatch;
  u: number;
}

interface Matchable {
  provider: string;
  account: string;
  region: string;
  instanceType: string;
  tags?: Readonly<Record<string, string>>;
}

/** The first rule whose every field matches the row (config order), or undefined. */
export function matchRule(rules: readonly UtilizationRule[], r: Matchable): UtilizationRule | undefined {
  for (const rule of rules) {
    const m = rule.match;
    if (m.provider !== undefined && m.provider !== r.provider) continue;
    if (m.account !== undefined && m.account !== r.account) continue;
    if (m.region !== undefined && m.region !== r.region) continue;
    if (m.instanceType !== undefined && m.instanceType !== r.instanceType) continue;
    if (m.tags !== undefined && !Object.entries(m.tags).every(([k, v]) => r.tags?.[`tag:${k}`] === v)) continue;
    return rule;
  }
  return undefined;
}
