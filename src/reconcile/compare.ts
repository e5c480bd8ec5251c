import type { ProviderId } from "../schema.js";
import { monthDays, type GpuCell, type ModelFlag, type Month, type ProviderCell, type ProviderFigures, type ReconRow } from "./model.js";

/** A cell of an earlier reconciliation (--previous), to tell a restatement since then. */
export interface PreviousCell {
  modelVersion: string | null;
  providerKg: number | null;
}

export interface CompareInput {
  gpu: readonly GpuCell[];
  figures: readonly ProviderFigures[];
  /** The first and last day carbon-track's rows cover, per provider: a month they begin or end in may be incomplete. */
  span: ReadonlyMap<ProviderId, { first: string; last: string }>;
  previous: ReadonlyMap<string, PreviousCell> | null;
}

export interface Comparison {
  rows: ReconRow[];
  /** Accounts the provider reported that carbon-track never saw (left out of the rows). */
  otherAccounts: Map<ProviderId, number>;
}

export const cellKey = (c: { month: string; provider: string; account: string; region: string }): string =>
  [c.month, c.provider, c.account, c.region].join("\u0000");

/** A provider's figure moved by more than this since the previous reconciliation: a revision, not rounding. */
const revisionTolerance = 0.005;

/** Orders model versions: `v3.0.0` after `v2.10.1`, `12` after `9`; other text by its characters. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string): number[] | null => (/^v?\d+(\.\d+)*$/.test(v) ? v.replace(/^v/, "").split(".").map(Number) : null);
  const [pa, pb] = [parts(a), parts(b)];
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/**
 * Per month, the newest model version a provider reported it under, and whether it reported it under more than one
 * (a restatement: AWS delivers the old and the new model side by side for three months after a change).
 */
function versionsByMonth(cells: readonly ProviderCell[]): Map<Month, { chosen: string | null; restated: boolean }> {
  const seen = new Map<Month, Set<string>>();
  for (const c of cells) {
    const set = seen.get(c.month) ?? new Set<string>();
    if (c.modelVersion !== null) set.add(c.modelVersion);
    seen.set(c.month, set);
  }
  const out = new Map<Month, { chosen: string | null; restated: boolean }>();
  for (const [month, set] of seen) {
    const sorted = [...set].sort(compareVersions);
    out.set(month, { chosen: sorted.at(-1) ?? null, restated: sorted.length > 1 });
  }
  return out;
}

function partialMonth(month: Month, span: { first: string; last: string } | undefined): boolean {
  if (!span) return false;
  const { first, last } = monthDays(month);
  return (span.first > first && span.first <= last) || (span.last < last && span.last >= first);
}

/** One provider's rows: its cells for accounts carbon-track saw, beside carbon-track's cells. */
function providerRows(figures: ProviderFigures, input: CompareInput, otherAccounts: Map<ProviderId, number>): ReconRow[] {
  const { provider, basis } = figures;
  const gpu = new Map(input.gpu.filter((g) => g.provider === provider).map((g) => [cellKey(g), g]));
  const accounts = new Set([...gpu.values()].map((g) => g.account));
  const versions = versionsByMonth(figures.cells);
  const cells = new Map<string, ProviderCell>();
  const others = new Set<string>();
  for (const c of figures.cells) {
    if (c.modelVersion !== versions.get(c.month)?.chosen) continue;
    if (!accounts.has(c.account)) {
      if (c.serviceKg > 0) others.add(c.account);
      continue;
    }
    if (c.serviceKg <= 0 && !gpu.has(cellKey(c))) continue;
    cells.set(cellKey(c), c);
  }
  if (others.size > 0) otherAccounts.set(provider, others.size);

  // A month's version against the month before it (in the provider's own data), in calendar order.
  const chosenMonths = [...versions.entries()].filter(([, v]) => v.chosen !== null).sort(([a], [b]) => (a < b ? -1 : 1));
  const changedMonths = new Set(chosenMonths.filter(([, v], i) => i > 0 && v.chosen !== chosenMonths[i - 1]![1].chosen).map(([m]) => m));

  const keys = new Set([...gpu.keys(), ...cells.keys()]);
  const rows: ReconRow[] = [];
  for (const key of keys) {
    const g = gpu.get(key);
    const p = cells.get(key);
    const where = (g ?? p)!;
    const month = where.month;
    const version = p?.modelVersion ?? versions.get(month)?.chosen ?? null;
    const flags: ModelFlag[] = [];
    if (versions.get(month)?.restated) flags.push("restated");
    if (changedMonths.has(month)) flags.push("changed");
    const before = input.previous?.get(key);
    const providerKg = p ? p.serviceKg : null;
    if (before && before.modelVersion !== version && (before.modelVersion !== null || version !== null)) flags.push("changed-since-previous");
    else if (before && before.providerKg !== null && providerKg !== null && Math.abs(providerKg - before.providerKg) > revisionTolerance * Math.max(Math.abs(before.providerKg), 1e-9)) {
      flags.push("revised-since-previous");
    }

    const ratio = g && providerKg !== null && providerKg > 0 ? g.co2eLocationKg / providerKg : null;
    const reasons: string[] = [];
    if (g && p && providerKg !== null && providerKg > 0) {
      reasons.push("service-wide");
      if (ratio !== null && ratio > 1) reasons.push("gpu-exceeds-service");
    }
    if (g && (!p || providerKg === 0)) reasons.push("no-provider-figure");
    if (!g && p) reasons.push("no-gpu-usage");
    if (p && basis.scopes.includes("1")) reasons.push("scope-1-included");
    if (p && basis.scopes.includes("3")) reasons.push("scope-3-included");
    if (p && basis.method === "not stated") reasons.push("method-not-stated");
    if (g && g.unestimatedRows > 0) reasons.push("unestimated-rows");
    if (partialMonth(month, input.span.get(provider))) reasons.push("partial-month");
    reasons.push(...flags.map((f) => `model-${f}`));
    rows.push({
      month,
      provider,
      account: where.account,
      region: where.region,
      gpuLocationKg: g ? g.co2eLocationKg : null,
      providerKg,
      ratio,
      basis,
      providerMarketKg: p?.serviceMarketKg ?? null,
      providerAllServicesKg: p ? p.allServicesKg : null,
      modelVersion: version,
      modelFlags: flags,
      reasons,
    });
  }
  return rows;
}

/**
 * Puts each provider's figures beside carbon-track's, cell by cell. Only the providers read are compared; for each,
 * the cells of the accounts carbon-track has rows for (an account without GPUs would only add noise), under the
 * newest model version of each month. Pure: no I/O, no clock.
 */
export function compare(input: CompareInput): Comparison {
  const otherAccounts = new Map<ProviderId, number>();
  const rows = input.figures.flatMap((f) => providerRows(f, input, otherAccounts));
  rows.sort((a, b) => (a.month !== b.month ? (a.month < b.month ? -1 : 1) : cellKey(a) < cellKey(b) ? -1 : cellKey(a) > cellKey(b) ? 1 : 0));
  return { rows, otherAccounts };
}
