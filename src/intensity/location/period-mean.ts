import type { GridPoint } from "./types.js";

export type PeriodMean = { ok: true; kgPerKwh: number } | { ok: false; why: string };

/**
 * The intensity of a usage period from a grid's points: the plain mean of the points that start within it, since
 * billed usage is taken as spread evenly over the period's hours. A daily row is so the mean of that day's hourly
 * (or half-hourly) values; an hourly row its own hour (two half-hours for GB). Used only when the points cover the
 * whole period: a gap falls back, with the reason.
 */
export function periodMean(points: readonly GridPoint[], startMs: number, endMs: number, publishedUntilMs: number): PeriodMean {
  let sum = 0;
  let n = 0;
  let covered = 0;
  for (const p of points) {
    if (p.startMs < startMs || p.startMs >= endMs) continue;
    sum += p.kgPerKwh;
    n += 1;
    covered += Math.min(p.endMs, endMs) - p.startMs;
  }
  if (n > 0 && covered >= endMs - startMs) return { ok: true, kgPerKwh: sum / n };
  if (endMs > publishedUntilMs) return { ok: false, why: "not yet published for this period" };
  const hours = (endMs - startMs) / 3_600_000;
  return { ok: false, why: `${Math.round(((endMs - startMs - covered) / 3_600_000) * 10) / 10} of ${hours} hours missing` };
}
