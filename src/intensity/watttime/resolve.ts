import { performance } from "node:perf_hooks";
import { dayCache } from "../cache.js";
import { addRegionFallback, emptyTable, fallbackValue } from "../static.js";
import type { IntensityContext, IntensityTable, RegionDemand } from "../types.js";
import { WattTimeLoginRejected, WattTimeNotInPlan, wattTimeClient, type WattTimeClient } from "./client.js";
import { fetchPlanAccess, fetchRegionFromLoc, type PlanAccess } from "./endpoints.js";
import { summarise } from "./provenance.js";
import { resolveZone, type ZoneDeps } from "./zone.js";

const DEFAULT_API_URL = "https://api.watttime.org";
/** Zones fetched at once: fast enough for a few dozen zones, far below the API's 3,000 requests per 5 minutes. */
const ZONE_CONCURRENCY = 3;
const LOGIN_REJECTED = "WattTime: login rejected (check WATTTIME_USERNAME / WATTTIME_PASSWORD)";

const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err));

export async function resolveWattTime(
  demands: RegionDemand[],
  ctx: IntensityContext,
  credentials: { username: string; password: string },
): Promise<IntensityTable> {
  const table = emptyTable();
  const fallAll = (list: RegionDemand[], note: string): void => {
    for (const d of list) addRegionFallback(table, d, fallbackValue(d.region, ctx.signal, note));
  };
  if (demands.length === 0) return table;
  if (ctx.signal !== "marginal") {
    fallAll(demands, "WattTime gives marginal rates only");
    return table;
  }

  const started = performance.now();
  const client = wattTimeClient({
    baseUrl: ctx.env.WATTTIME_API_URL || DEFAULT_API_URL,
    credentials,
    http: ctx.http,
    abort: ctx.abort,
    clock: () => ctx.now.getTime() + (performance.now() - started),
    requests: table.requests,
  });
  const failOnce = (line: string): void => {
    if (!table.failures.includes(line)) table.failures.push(line);
  };

  let access: PlanAccess;
  try {
    access = await fetchPlanAccess(client);
  } catch (err) {
    if (ctx.abort.aborted) throw err;
    const rejected = err instanceof WattTimeLoginRejected;
    failOnce(rejected ? LOGIN_REJECTED : `WattTime: ${reason(err)}`);
    fallAll(demands, rejected ? "WattTime login failed" : "WattTime unavailable");
    return table;
  }

  const zoneOf = await resolveZoneCodes(demands, client, ctx, failOnce);
  const byZone = new Map<string, RegionDemand[]>();
  for (const d of demands) {
    const zone = zoneOf.get(d.key)?.zone;
    if (zone) byZone.set(zone, [...(byZone.get(zone) ?? []), d]);
  }

  const deps: ZoneDeps = {
    client,
    access,
    cache: ctx.cacheDir ? dayCache(ctx.cacheDir, "watttime/co2_moer") : null,
    nowMs: ctx.now.getTime(),
    warnings: table.warnings,
    fail: failOnce,
    verbose: (m) => ctx.log.verbose(m),
  };
  const outcomes = new Map<string, Awaited<ReturnType<typeof resolveZone>> | string>();
  await forEachLimited([...byZone], ZONE_CONCURRENCY, async ([zone, list]) => {
    if (!access.historical.has(zone) && !access.current.has(zone)) {
      outcomes.set(zone, "not in plan");
      return;
    }
    ctx.log.progress(`WattTime: ${zone}`);
    try {
      outcomes.set(zone, await resolveZone(zone, list, deps));
    } catch (err) {
      if (ctx.abort.aborted) throw err;
      if (err instanceof WattTimeNotInPlan) outcomes.set(zone, "not in plan");
      else if (err instanceof WattTimeLoginRejected) {
        failOnce(LOGIN_REJECTED);
        outcomes.set(zone, "WattTime login failed");
      } else {
        failOnce(`WattTime ${zone}: ${reason(err)}`);
        outcomes.set(zone, "WattTime request failed");
      }
    }
  });

  // Assemble in the order of the demands, so the terminal lists regions the same way every run.
  for (const d of demands) {
    const resolved = zoneOf.get(d.key)!;
    const outcome = resolved.zone ? outcomes.get(resolved.zone) : resolved.note;
    if (outcome === undefined || typeof outcome === "string") {
      // Name the zone found from coordinates too, not only a configured one: it tells the user what to ask WattTime for.
      const region = { ...d.region, wattTimeRegion: resolved.zone };
      addRegionFallback(table, { ...d, region }, fallbackValue(d.region, "marginal", outcome ?? "no WattTime zone"));
      continue;
    }
    const values = outcome.get(d.key)!;
    table.byPeriod.set(d.key, values.values);
    // Only consulted for a period nobody asked for: the documented annual figure, never a guess.
    table.byRegion.set(d.key, fallbackValue(d.region, "marginal", "no WattTime value for this period"));
    table.provenance.push(summarise(d, resolved.zone!, values));
  }
  return table;
}

/** The WattTime zone of each region: its configured code, else looked up from its coordinates (once per place). */
async function resolveZoneCodes(
  demands: RegionDemand[],
  client: WattTimeClient,
  ctx: IntensityContext,
  failOnce: (line: string) => void,
): Promise<Map<string, { zone: string | null; note: string }>> {
  const out = new Map<string, { zone: string | null; note: string }>();
  const byPlace = new Map<string, { zone: string | null; note: string }>();
  for (const d of demands) {
    const { wattTimeRegion, latitude, longitude } = d.region;
    if (wattTimeRegion) out.set(d.key, { zone: wattTimeRegion, note: "" });
    else if (latitude === null || longitude === null) out.set(d.key, { zone: null, note: "no WattTime zone or coordinates for this region" });
    else {
      const place = `${latitude},${longitude}`;
      let hit = byPlace.get(place);
      if (!hit) {
        try {
          hit = { zone: await fetchRegionFromLoc(client, latitude, longitude), note: "" };
        } catch (err) {
          if (ctx.abort.aborted) throw err;
          if (err instanceof WattTimeNotInPlan) hit = { zone: null, note: "zone lookup not in plan" };
          else {
            failOnce(err instanceof WattTimeLoginRejected ? LOGIN_REJECTED : `WattTime region-from-loc ${d.key}: ${reason(err)}`);
            hit = { zone: null, note: "WattTime zone lookup failed" };
          }
        }
        byPlace.set(place, hit);
      }
      out.set(d.key, hit);
    }
  }
  return out;
}

async function forEachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
