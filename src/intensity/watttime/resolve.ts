import { addRegionFallback, emptyTable, fallbackValue } from "../static.js";
import type { IntensityContext, IntensityTable, RegionDemand } from "../types.js";
import { WattTimeLoginRejected, WattTimeNotInPlan } from "./client.js";
import type { PlanAccess } from "./endpoints.js";
import { summarise } from "./provenance.js";
import type { CallLog, WattTimeSession } from "./session.js";
import { resolveZone, type ZoneDeps } from "./zone.js";

const LOGIN_REJECTED = "WattTime: login rejected (check WATTTIME_USERNAME / WATTTIME_PASSWORD)";

const reason = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * One resolve call: a table for just these demands, built on the run's shared session (opened on first need).
 * Nothing is sent when the cache answers everything: no login, no my-access.
 */
export async function resolveWattTime(demands: RegionDemand[], ctx: IntensityContext, openSession: () => WattTimeSession): Promise<IntensityTable> {
  const table = emptyTable();
  const fallAll = (list: RegionDemand[], note: string): void => {
    for (const d of list) addRegionFallback(table, d, fallbackValue(d.region, ctx.signal, note));
  };
  if (demands.length === 0) return table;
  if (ctx.signal !== "marginal") {
    fallAll(demands, "WattTime gives marginal rates only");
    return table;
  }

  const session = openSession();
  const call: CallLog = {
    requests: table.requests,
    warnings: table.warnings,
    fail: (line) => {
      if (!table.failures.includes(line)) table.failures.push(line);
    },
  };

  let access: PlanAccess;
  try {
    access = await session.access(call);
  } catch (err) {
    if (ctx.abort.aborted) throw err;
    const rejected = err instanceof WattTimeLoginRejected;
    call.fail(rejected ? LOGIN_REJECTED : `WattTime: ${reason(err)}`);
    fallAll(demands, rejected ? "WattTime login failed" : "WattTime unavailable");
    return table;
  }

  const zoneOf = await resolveZoneCodes(demands, session, call, ctx);
  const byZone = new Map<string, RegionDemand[]>();
  for (const d of demands) {
    const zone = zoneOf.get(d.key)?.zone;
    if (zone) byZone.set(zone, [...(byZone.get(zone) ?? []), d]);
  }

  const deps: ZoneDeps = {
    access,
    history: (zone, days) => session.history.load(zone, days, { client: session.caller(call), warnings: table.warnings }),
    current: (zone) => session.current(zone, call),
    nowMs: session.nowMs,
    warnings: table.warnings,
    fail: call.fail,
    // Each provider's usage is resolved as its own batch: the line says which, or a zone seems to be asked twice.
    verbose: (m) => ctx.log.verbose(`${m} (${batchName(demands)})`),
  };
  // Zones run side by side: the session's limiter bounds the requests in flight across every call of the run.
  const outcomes = new Map<string, Awaited<ReturnType<typeof resolveZone>> | string>();
  await Promise.all(
    [...byZone].map(async ([zone, list]) => {
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
          call.fail(LOGIN_REJECTED);
          outcomes.set(zone, "WattTime login failed");
        } else {
          call.fail(`WattTime ${zone}: ${reason(err)}`);
          outcomes.set(zone, "WattTime request failed");
        }
      }
    }),
  );

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

/** The WattTime zone of each region: its configured code, else looked up from its coordinates (once per place per run). */
async function resolveZoneCodes(
  demands: RegionDemand[],
  session: WattTimeSession,
  call: CallLog,
  ctx: IntensityContext,
): Promise<Map<string, { zone: string | null; note: string }>> {
  const out = new Map<string, { zone: string | null; note: string }>();
  await Promise.all(
    demands.map(async (d) => {
      const { wattTimeRegion, latitude, longitude } = d.region;
      if (wattTimeRegion) out.set(d.key, { zone: wattTimeRegion, note: "" });
      else if (latitude === null || longitude === null) out.set(d.key, { zone: null, note: "no WattTime zone or coordinates for this region" });
      else {
        try {
          out.set(d.key, { zone: await session.zoneAt(latitude, longitude, call), note: "" });
        } catch (err) {
          if (ctx.abort.aborted) throw err;
          if (err instanceof WattTimeNotInPlan) out.set(d.key, { zone: null, note: "zone lookup not in plan" });
          else {
            call.fail(err instanceof WattTimeLoginRejected ? LOGIN_REJECTED : `WattTime region-from-loc ${d.key}: ${reason(err)}`);
            out.set(d.key, { zone: null, note: "WattTime zone lookup failed" });
          }
        }
      }
    }),
  );
  return out;
}

/** The providers whose usage a batch holds, e.g. "aws batch" or "aws, gcp batch". */
function batchName(demands: readonly RegionDemand[]): string {
  return `${[...new Set(demands.map((d) => d.key.slice(0, d.key.indexOf(":"))))].sort().join(", ")} batch`;
}
