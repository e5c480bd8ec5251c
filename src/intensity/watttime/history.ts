import type { DayCache } from "../cache.js";
import type { WattTimeClient } from "./client.js";
import { fetchHistorical, type MoerPoint } from "./endpoints.js";
import { MOER_UNITS } from "./wire.js";

const DAY_MS = 86_400_000;
/** /v3/historical serves at most 32 days per request. */
const MAX_WINDOW_DAYS = 32;
/**
 * WattTime revises values shortly after publishing them. A day is cached only once it ended at least this long
 * ago, and only when it holds every point: a day with gaps is asked again next run, in case they were filled.
 */
const SETTLE_MS = 48 * 3_600_000;

export interface ZoneHistory {
  periodSeconds: number;
  /** Sorted by start, one per start. */
  points: MoerPoint[];
  warnings: string[];
  /** Days (UTC midnight, ms) served from the cache and fetched, for the verbose log. */
  cachedDays: number;
  fetchedDays: number;
}

export interface HistoryDeps {
  client: WattTimeClient;
  cache: DayCache | null;
  nowMs: number;
}

const utcDayKey = (dayMs: number): string => new Date(dayMs).toISOString().slice(0, 10);
const dayStart = (ms: number): number => Math.floor(ms / DAY_MS) * DAY_MS;

/** Every UTC day (midnight, ms) that some period touches, sorted. */
export function daysTouched(periods: { startMs: number; endMs: number }[]): number[] {
  const days = new Set<number>();
  for (const p of periods) for (let d = dayStart(p.startMs); d < p.endMs; d += DAY_MS) days.add(d);
  return [...days].sort((a, b) => a - b);
}

/**
 * The fewest requests that cover the missing days: each window starts at a missing day and runs to the last
 * missing day within 32 days. Cached days inside a window are fetched again: that costs bytes, not requests.
 */
export function fetchWindows(missingDays: number[], maxDays = MAX_WINDOW_DAYS): { startMs: number; endMs: number }[] {
  const windows: { startMs: number; endMs: number }[] = [];
  for (const day of missingDays) {
    const last = windows.at(-1);
    if (last && day + DAY_MS - last.startMs <= maxDays * DAY_MS) last.endMs = day + DAY_MS;
    else windows.push({ startMs: day, endMs: day + DAY_MS });
  }
  return windows;
}

export function isCacheable(dayMs: number, pointCount: number, periodSeconds: number, nowMs: number): boolean {
  return dayMs + DAY_MS + SETTLE_MS <= nowMs && pointCount === DAY_MS / 1000 / periodSeconds;
}

/** Historical MOER of one zone over the given days: from the cache where it can, one request per window otherwise. */
export async function loadZoneHistory(zone: string, days: number[], deps: HistoryDeps): Promise<ZoneHistory> {
  const byStart = new Map<number, number>();
  const warnings: string[] = [];
  let periodSeconds: number | null = null;
  const missing: number[] = [];

  for (const day of days) {
    const hit = deps.cache ? await deps.cache.read(zone, utcDayKey(day)) : null;
    if (hit && hit.units === MOER_UNITS) {
      periodSeconds ??= hit.periodSeconds;
      for (const [sec, value] of hit.points) byStart.set(sec * 1000, value);
    } else missing.push(day);
  }

  for (const w of fetchWindows(missing)) {
    // Nothing is published for the future; asking for it would only make the window look longer.
    const endMs = Math.min(w.endMs, deps.nowMs);
    if (endMs <= w.startMs) continue;
    const series = await fetchHistorical(deps.client, zone, w.startMs, endMs);
    periodSeconds = series.periodSeconds;
    warnings.push(...series.warnings.map((m) => `WattTime ${zone}: ${m}`));
    for (const p of series.points) byStart.set(p.startMs, p.lbsPerMwh);
    if (deps.cache) await storeSettledDays(zone, series.points, series.periodSeconds, w.startMs, endMs, deps, warnings);
  }

  const points = [...byStart].map(([startMs, lbsPerMwh]) => ({ startMs, lbsPerMwh })).sort((a, b) => a.startMs - b.startMs);
  return { periodSeconds: periodSeconds ?? 300, points, warnings, cachedDays: days.length - missing.length, fetchedDays: missing.length };
}

async function storeSettledDays(
  zone: string,
  points: MoerPoint[],
  periodSeconds: number,
  startMs: number,
  endMs: number,
  deps: HistoryDeps,
  warnings: string[],
): Promise<void> {
  const perDay = new Map<number, [number, number][]>();
  for (let d = startMs; d < endMs; d += DAY_MS) perDay.set(d, []);
  for (const p of points) perDay.get(dayStart(p.startMs))?.push([Math.round(p.startMs / 1000), p.lbsPerMwh]);
  for (const [day, dayPoints] of perDay) {
    if (!isCacheable(day, dayPoints.length, periodSeconds, deps.nowMs)) continue;
    try {
      await deps.cache?.write(zone, utcDayKey(day), { units: MOER_UNITS, periodSeconds, points: dayPoints });
    } catch (err) {
      warnings.push(`WattTime cache: could not write ${zone} ${utcDayKey(day)} (${err instanceof Error ? err.message : String(err)})`);
      return;
    }
  }
}
