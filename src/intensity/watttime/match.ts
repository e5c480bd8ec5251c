import type { MoerPoint } from "./endpoints.js";

/** What the historical points say about one usage period. */
export type PeriodMatch =
  | { kind: "points"; meanLbsPerMwh: number; found: number; expected: number }
  /** No point lies within the period; `afterLastPoint` when it starts after the last published one. */
  | { kind: "none"; expected: number; afterLastPoint: boolean };

/** Index of the first point starting at or after `ms` (points sorted by start). */
function firstAtOrAfter(points: MoerPoint[], ms: number): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (points[mid]!.startMs < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Time matching: the mean MOER of the points whose whole interval lies within [startMs, endMs).
 * A point holds for `periodSeconds` from its start (WattTime points are left-aligned), so a 5-minute series
 * gives 288 points to a day and 12 to an hour; fewer found are counted as missing.
 */
export function matchPeriod(points: MoerPoint[], periodSeconds: number, startMs: number, endMs: number): PeriodMatch {
  const periodMs = periodSeconds * 1000;
  const expected = Math.max(1, Math.floor((endMs - startMs) / periodMs));
  let sum = 0;
  let found = 0;
  for (let i = firstAtOrAfter(points, startMs); i < points.length && points[i]!.startMs + periodMs <= endMs; i++) {
    sum += points[i]!.lbsPerMwh;
    found++;
  }
  if (found > 0) return { kind: "points", meanLbsPerMwh: sum / found, found, expected };
  const last = points.at(-1);
  return { kind: "none", expected, afterLastPoint: last !== undefined && startMs >= last.startMs + periodMs };
}
