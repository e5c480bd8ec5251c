import { performance } from "node:perf_hooks";
import { dayCache } from "../cache.js";
import { maxMoerLbsPerMwh } from "../plausible-moer.js";
import type { IntensityContext } from "../types.js";
import { WattTimeCallFailed, WattTimeNotInPlan, wattTimeClient, type RequestCounts, type WattTimeCaller } from "./client.js";
import { fetchCurrent, fetchPlanAccess, fetchRegionFromLoc, type MoerPoint, type PlanAccess } from "./endpoints.js";
import { historyStore, type HistoryStore } from "./history.js";
import { limiter } from "./limiter.js";
import { lookupCache } from "./lookup-cache.js";

const DEFAULT_API_URL = "https://api.watttime.org";
/**
 * WattTime calls in flight at once, across every resolve call of the run. The plan allows 3,000 requests per
 * 5 minutes and a run sends one per zone and 32-day window (a year over all 53 zones of regions.json is 636), so
 * the quota is never the bound: this only keeps a run from opening dozens of connections at once.
 */
export const ZONE_CONCURRENCY = 10;

/** Where one resolve call's request counts, warnings and failure lines go. */
export interface CallLog {
  requests: RequestCounts;
  warnings: string[];
  fail(line: string): void;
}

/** The current MOER of a zone, or why there is none (`failure`: the failures line a failed call earns each caller). */
export type CurrentOutcome = { point: MoerPoint } | { reason: string; failure: string | null };

/**
 * What the resolve calls on one provider instance share: one token, one my-access answer, one lookup per place,
 * each zone-day and current value fetched once, and one limit on calls in flight. The first call's context sets
 * the API URL, cache, clock and HTTP policy: an instance serves one run.
 */
export interface WattTimeSession {
  nowMs: number;
  caller(call: CallLog): WattTimeCaller;
  access(call: CallLog): Promise<PlanAccess>;
  zoneAt(latitude: number, longitude: number, call: CallLog): Promise<string>;
  history: HistoryStore;
  current(zone: string, call: CallLog): Promise<CurrentOutcome>;
  /**
   * At the start of a run, before any usage is known: when the cache does not hold the plan's answer, the login and
   * my-access go out now, beside the providers' paging, instead of after it. A warm cache sends nothing.
   */
  warmUp(): void;
}

const cacheWriteWarning = (what: string, err: unknown): string =>
  `WattTime cache: could not write ${what} (${err instanceof Error ? err.message : String(err)})`;

export function wattTimeSession(ctx: IntensityContext, credentials: { username: string; password: string }): WattTimeSession {
  const baseUrl = ctx.env.WATTTIME_API_URL || DEFAULT_API_URL;
  const maxMoer = maxMoerLbsPerMwh(ctx.env);
  const nowMs = ctx.now.getTime();
  const started = performance.now();
  const client = wattTimeClient({
    baseUrl,
    credentials,
    http: ctx.http,
    abort: ctx.abort,
    clock: () => nowMs + (performance.now() - started),
    redactor: ctx.redactor,
  });
  const limit = limiter(ZONE_CONCURRENCY);
  const lookups = ctx.cacheDir ? lookupCache(ctx.cacheDir, { baseUrl, username: credentials.username }, ctx.redactor) : null;
  const caller = (call: CallLog): WattTimeCaller => ({
    getJson: (path, params, endpoint) => limit(() => client.getJson(path, params, endpoint, call.requests)),
  });

  let access: Promise<PlanAccess> | null = null;
  // What the early my-access sent and warned of, handed to the first call that asks for the plan (its --verbose counts).
  let early: CallLog | null = null;
  const handOver = (call: CallLog): void => {
    if (!early) return;
    for (const [k, n] of Object.entries(early.requests)) call.requests[k] = (call.requests[k] ?? 0) + n;
    call.warnings.push(...early.warnings);
    early = null;
  };
  const places = new Map<string, Promise<string>>();
  const currents = new Map<string, Promise<CurrentOutcome>>();

  async function loadAccess(call: CallLog): Promise<PlanAccess> {
    const kept = await lookups?.readAccess(nowMs);
    if (kept) return kept;
    const fresh = await fetchPlanAccess(caller(call));
    await lookups?.writeAccess(fresh, nowMs).catch((err: unknown) => call.warnings.push(cacheWriteWarning("my-access", err)));
    return fresh;
  }

  async function lookUpZone(latitude: number, longitude: number, call: CallLog): Promise<string> {
    const kept = await lookups?.readZone(latitude, longitude);
    if (kept) return kept;
    const zone = await fetchRegionFromLoc(caller(call), latitude, longitude);
    await lookups?.writeZone(latitude, longitude, zone).catch((err: unknown) => call.warnings.push(cacheWriteWarning(`zone of ${latitude},${longitude}`, err)));
    return zone;
  }

  /** A failed forecast call must not throw away the zone's history: it becomes a reason, and a failures line. */
  async function loadCurrent(zone: string, call: CallLog): Promise<CurrentOutcome> {
    try {
      const current = await fetchCurrent(caller(call), zone, maxMoer);
      return current ? { point: current.point } : { reason: "no current value", failure: null };
    } catch (err) {
      if (err instanceof WattTimeNotInPlan) return { reason: "current value not in plan", failure: null };
      if (!(err instanceof WattTimeCallFailed)) throw err;
      return { reason: "current value unavailable", failure: `WattTime ${zone}: ${err.message}` };
    }
  }

  const shared = <T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> => {
    let p = map.get(key);
    if (!p) map.set(key, (p = load()));
    return p;
  };

  return {
    nowMs,
    caller,
    access: (call) => {
      access ??= loadAccess(call);
      // Once it settled, so what it sent is all counted.
      return access.finally(() => handOver(call));
    },
    zoneAt: (latitude, longitude, call) => shared(places, `${latitude},${longitude}`, () => lookUpZone(latitude, longitude, call)),
    history: historyStore(ctx.cacheDir ? dayCache(ctx.cacheDir, "watttime/co2_moer", ctx.redactor) : null, nowMs, maxMoer, ctx.window ?? null),
    current: (zone, call) => shared(currents, zone, () => loadCurrent(zone, call)),
    warmUp() {
      if (access) return;
      const log: CallLog = { requests: {}, warnings: [], fail: () => {} };
      early = log;
      access = (async () => (await lookups?.readAccess(nowMs)) ?? (await loadAccess(log)))();
      // A failure is the first call's to report (session.access gives it the same promise); not an unhandled one here.
      access.catch(() => {});
    },
  };
}
