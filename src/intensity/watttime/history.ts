import type { CachedDay, DayCache } from "../cache.js";
import { isPlausibleMoer } from "../plausible-moer.js";
import type { WattTimeCaller } from "./client.js";
import { fetchHistorical, type MoerPoint } from "./endpoints.js";
import { MOER_UNITS } from "./wire.js";

const DAY_MS = 86_400_000;
/** /v3/historical serves at most 32 days per request. */
const MAX_WINDOW_DAYS = 32;
/**
 * WattTime revises values for a while after publishing them. A day fetched complete at least this long after it
 * ended is kept for good: its values have settled.
 */
const SETTLE_MS = 48 * 3_600_000;
/**
 * Any other day that had ended when it was fetched (recent, or with gaps) is trusted this long: revisions come
 * within hours, so a rerun soon after reuses it, and a run later in the day asks again and gets the settled values.
 */
const RECENT_FRESH_MS = 6 * 3_600_000;

export interface ZoneHistory {
  periodSeconds: number;
  /** Sorted by start, one per start. */
  points: MoerPoint[];
  /** Days served from the cache (disk, or this run's memory) and days fetched by this call, for the verbose log. */
  cachedDays: number;
  fetchedDays: number;
}

/** One zone-day's points; periodSeconds is null when nothing was published for it (a future day). */
interface DayPoints {
  periodSeconds: number | null;
  points: MoerPoint[];
}

/** Who asked: the call's view of the client (its request counts) and where its warnings go. */
export interface HistoryCall {
  client: WattTimeCaller;
  warnings: string[];
}

/**
 * Historical MOER for one run, shared by every resolve call of a provider instance: each zone-day is read from
 * disk or fetched once, and a call that needs a zone-day another call is already fetching waits for that request.
 */
export interface HistoryStore {
  load(zone: string, days: number[], call: HistoryCall): Promise<ZoneHistory>;
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

/** Whether a cached day may stand in for a request at `nowMs`: for good once settled, else for a few hours. */
export function isFresh(dayMs: number, cached: Pick<CachedDay, "fetchedAtMs" | "periodSeconds" | "points">, nowMs: number): boolean {
  const complete = cached.points.length === DAY_MS / 1000 / cached.periodSeconds;
  if (complete && cached.fetchedAtMs >= dayMs + DAY_MS + SETTLE_MS) return true;
  // A file from after `now` (a clock set back) is not trusted: asking again is always safe.
  return nowMs >= cached.fetchedAtMs && nowMs - cached.fetchedAtMs < RECENT_FRESH_MS;
}

interface Pending {
  promise: Promise<DayPoints>;
  resolve(value: DayPoints): void;
  reject(err: unknown): void;
}

function pending(): Pending {
  let resolve!: (value: DayPoints) => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<DayPoints>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  // Every waiter handles the failure itself; this only keeps a failure nobody else waits for from crashing the run.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/**
 * A cached day holding a value no grid has is a damaged or tampered file: it is removed and the day fetched again
 * (if that fails, the zone takes its documented fallback like any failed call). Returns the warning, or null.
 */
async function distrustedDay(store: DayCache, zone: string, day: string, hit: CachedDay, maxMoer: number): Promise<string | null> {
  const odd = hit.points.find(([, lbsPerMwh]) => !isPlausibleMoer(lbsPerMwh, maxMoer));
  if (!odd) return null;
  await store.remove(zone, day).catch(() => undefined);
  return `WattTime cache: ${zone} ${day} held MOER ${odd[1]} lbs/MWh, not plausible (above 0 and at most ${maxMoer} expected): the file was removed and the day fetched again`;
}

/** A fetched stretch of a zone's history, by day. */
interface Fetched {
  periodSeconds: number;
  perDay: Map<number, MoerPoint[]>;
}

/**
 * `window`: the run's whole window, when resolve calls for different providers ask for different days of it. A
 * zone's missing days inside it are then fetched by 32-day blocks of it, each block once for the run (the first
 * call that misses a day of a block fetches all of it: bytes, not requests), so a zone costs ⌈days/32⌉ requests
 * however the calls split its days. Without it (one call, or tests), each call fetches the fewest windows it needs.
 */
export function historyStore(cache: DayCache | null, nowMs: number, maxMoer: number, window: { startMs: number; endMs: number } | null = null): HistoryStore {
  const known = new Map<string, Promise<DayPoints>>();
  const blocks = new Map<string, Promise<Fetched>>();

  async function fetchSpan(zone: string, startMs: number, endMs: number, call: HistoryCall): Promise<Fetched> {
    const series = await fetchHistorical(call.client, zone, startMs, endMs, maxMoer);
    call.warnings.push(...series.warnings.map((m) => `WattTime ${zone}: ${m}`));
    const perDay = new Map<number, MoerPoint[]>();
    for (let d = startMs; d < endMs; d += DAY_MS) perDay.set(d, []);
    for (const p of series.points) perDay.get(dayStart(p.startMs))?.push(p);
    if (cache) await storeEndedDays(cache, zone, perDay, series.periodSeconds, call.warnings);
    return { periodSeconds: series.periodSeconds, perDay };
  }

  /** The block of the run's window that holds `day`, clipped to the window and to now; null outside the window. */
  function blockOf(day: number): { startMs: number; endMs: number } | null {
    if (!window || day < window.startMs || day >= window.endMs) return null;
    const startMs = window.startMs + Math.floor((day - window.startMs) / (MAX_WINDOW_DAYS * DAY_MS)) * MAX_WINDOW_DAYS * DAY_MS;
    const endMs = Math.min(startMs + MAX_WINDOW_DAYS * DAY_MS, window.endMs, nowMs);
    return endMs > startMs ? { startMs, endMs } : null;
  }

  /** A block's one request, shared by every call; a failed one may be asked again by a later call. */
  function fetchBlock(zone: string, block: { startMs: number; endMs: number }, call: HistoryCall): Promise<Fetched> {
    const key = `${zone}/${block.startMs}`;
    let got = blocks.get(key);
    if (!got) {
      blocks.set(key, (got = fetchSpan(zone, block.startMs, block.endMs, call)));
      got.catch(() => blocks.delete(key));
    }
    return got;
  }

  /** Serves the days this call took on: from disk where fresh, else one request per window. Returns how many were fetched. */
  async function fill(zone: string, mine: Map<number, Pending>, call: HistoryCall): Promise<number> {
    const missing: number[] = [];
    await Promise.all(
      [...mine].map(async ([day, slot]) => {
        const hit = cache ? await cache.read(zone, utcDayKey(day)) : null;
        const distrust = cache && hit ? await distrustedDay(cache, zone, utcDayKey(day), hit, maxMoer) : null;
        if (distrust) call.warnings.push(distrust);
        if (hit && !distrust && hit.units === MOER_UNITS && isFresh(day, hit, nowMs)) {
          slot.resolve({ periodSeconds: hit.periodSeconds, points: hit.points.map(([sec, lbsPerMwh]) => ({ startMs: sec * 1000, lbsPerMwh })) });
        } else missing.push(day);
      }),
    );
    missing.sort((a, b) => a - b);
    const byBlock = new Map<number, { block: { startMs: number; endMs: number }; days: number[] }>();
    for (const d of missing) {
      const block = d < nowMs ? blockOf(d) : null;
      if (block) byBlock.set(block.startMs, { block, days: [...(byBlock.get(block.startMs)?.days ?? []), d] });
    }
    for (const { block, days } of byBlock.values()) {
      const got = await fetchBlock(zone, block, call);
      for (const d of days) mine.get(d)!.resolve({ periodSeconds: got.periodSeconds, points: got.perDay.get(d) ?? [] });
    }
    for (const w of fetchWindows(missing.filter((d) => !(d < nowMs && blockOf(d))))) {
      const inWindow = missing.filter((d) => d >= w.startMs && d < w.endMs);
      // Nothing is published for the future; asking for it would only make the window look longer.
      const endMs = Math.min(w.endMs, nowMs);
      if (endMs <= w.startMs) {
        for (const d of inWindow) mine.get(d)!.resolve({ periodSeconds: null, points: [] });
        continue;
      }
      const series = await fetchHistorical(call.client, zone, w.startMs, endMs, maxMoer);
      call.warnings.push(...series.warnings.map((m) => `WattTime ${zone}: ${m}`));
      const perDay = new Map<number, MoerPoint[]>(inWindow.map((d) => [d, []]));
      for (const p of series.points) perDay.get(dayStart(p.startMs))?.push(p);
      for (const [d, points] of perDay) mine.get(d)!.resolve({ periodSeconds: series.periodSeconds, points });
      if (cache) await storeEndedDays(cache, zone, perDay, series.periodSeconds, call.warnings);
    }
    return missing.length;
  }

  /** Writes the days that had ended by now; a day still running grows every five minutes and is asked again. */
  async function storeEndedDays(store: DayCache, zone: string, perDay: Map<number, MoerPoint[]>, periodSeconds: number, warnings: string[]): Promise<void> {
    for (const [day, points] of perDay) {
      if (day + DAY_MS > nowMs) continue;
      try {
        await store.write(zone, utcDayKey(day), {
          units: MOER_UNITS,
          periodSeconds,
          fetchedAtMs: nowMs,
          points: points.map((p) => [Math.round(p.startMs / 1000), p.lbsPerMwh]),
        });
      } catch (err) {
        warnings.push(`WattTime cache: could not write ${zone} ${utcDayKey(day)} (${err instanceof Error ? err.message : String(err)})`);
        return;
      }
    }
  }

  return {
    async load(zone, days, call) {
      // Claim the days nobody has asked for before the first await, so two calls never both fetch one.
      const mine = new Map<number, Pending>();
      const all: Promise<DayPoints>[] = [];
      for (const day of days) {
        const key = `${zone}/${day}`;
        let shared = known.get(key);
        if (!shared) {
          const slot = pending();
          mine.set(day, slot);
          known.set(key, slot.promise);
          shared = slot.promise;
        }
        all.push(shared);
      }
      let fetchedDays: number;
      try {
        fetchedDays = await fill(zone, mine, call);
      } catch (err) {
        // Calls waiting for these days get the same failure instead of waiting for ever.
        for (const slot of mine.values()) slot.reject(err);
        throw err;
      }
      const byStart = new Map<number, number>();
      let periodSeconds: number | null = null;
      for (const day of await Promise.all(all)) {
        periodSeconds ??= day.periodSeconds;
        for (const p of day.points) byStart.set(p.startMs, p.lbsPerMwh);
      }
      const points = [...byStart].map(([startMs, lbsPerMwh]) => ({ startMs, lbsPerMwh })).sort((a, b) => a.startMs - b.startMs);
      return { periodSeconds: periodSeconds ?? 300, points, cachedDays: days.length - fetchedDays, fetchedDays };
    },
  };
}
