import type { z } from "zod";
import { isPlausibleMoer } from "../plausible-moer.js";
import { WattTimeCallFailed, type WattTimeCaller } from "./client.js";
import { MOER_UNITS, MyAccessResponse, RegionFromLocResponse, SignalDataResponse } from "./wire.js";

/** The only signal this provider reads: marginal operating emissions rate, lbs CO2/MWh. */
const SIGNAL = "co2_moer";

/** One MOER point: it holds from startMs for the series' period. */
export interface MoerPoint {
  startMs: number;
  lbsPerMwh: number;
}

export interface MoerSeries {
  periodSeconds: number;
  points: MoerPoint[];
  /** meta.warnings of the answer, as text. */
  warnings: string[];
}

/** Which zones the account may read, per use. */
export interface PlanAccess {
  historical: Set<string>;
  current: Set<string>;
}

function parse<T extends z.ZodTypeAny>(schema: T, body: unknown, endpoint: string): z.infer<T> {
  const r = schema.safeParse(body);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new WattTimeCallFailed(`${endpoint}: unexpected answer (${issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "invalid"})`);
  }
  return r.data;
}

export async function fetchPlanAccess(client: WattTimeCaller): Promise<PlanAccess> {
  const body = parse(MyAccessResponse, await client.getJson("/v3/my-access", {}, "my-access"), "my-access");
  const access: PlanAccess = { historical: new Set(), current: new Set() };
  for (const s of body.signal_types.filter((t) => t.signal_type === SIGNAL)) {
    for (const r of s.regions) {
      const endpoints = new Set(r.endpoints.map((e) => e.endpoint.replace(/^\//, "")));
      if (endpoints.has("v3/historical")) access.historical.add(r.region);
      if (endpoints.has("v3/forecast")) access.current.add(r.region);
    }
  }
  return access;
}

export async function fetchRegionFromLoc(client: WattTimeCaller, latitude: number, longitude: number): Promise<string> {
  const params = { latitude: String(latitude), longitude: String(longitude), signal_type: SIGNAL };
  return parse(RegionFromLocResponse, await client.getJson("/v3/region-from-loc", params, "region-from-loc"), "region-from-loc").region;
}

function toSeries(body: SignalDataResponse, endpoint: string, maxMoer: number): MoerSeries {
  // Converting anything but lbs/MWh with the lbs→kg factor would be silently wrong: refuse it.
  if (body.meta.units !== MOER_UNITS) throw new WattTimeCallFailed(`${endpoint}: units "${body.meta.units}", expected ${MOER_UNITS}`);
  // One impossible value makes the whole answer suspect: the call failed, and the zone takes its fallback.
  const odd = body.data.find((p) => !isPlausibleMoer(p.value, maxMoer));
  if (odd) {
    throw new WattTimeCallFailed(`${endpoint}: MOER ${odd.value} lbs/MWh at ${new Date(Date.parse(odd.point_time)).toISOString()} is not plausible (a grid's is above 0 and at most ${maxMoer})`);
  }
  return {
    periodSeconds: body.meta.data_point_period_seconds,
    points: body.data.map((p) => ({ startMs: Date.parse(p.point_time), lbsPerMwh: p.value })),
    warnings: (body.meta.warnings ?? []).map((w) => (typeof w === "string" ? w : (w.message ?? w.type ?? JSON.stringify(w)))),
  };
}

/**
 * MOER points starting in [startMs, endMs). The API treats both ends as inclusive, so the point at endMs
 * (which belongs to the next window) is dropped here.
 */
export async function fetchHistorical(client: WattTimeCaller, zone: string, startMs: number, endMs: number, maxMoer: number): Promise<MoerSeries> {
  const params = { region: zone, start: new Date(startMs).toISOString(), end: new Date(endMs).toISOString(), signal_type: SIGNAL };
  const series = toSeries(parse(SignalDataResponse, await client.getJson("/v3/historical", params, "historical"), "historical"), "historical", maxMoer);
  return { ...series, points: series.points.filter((p) => p.startMs >= startMs && p.startMs < endMs) };
}

/** The current MOER: the first point of a zero-horizon forecast, or null when the answer holds none. */
export async function fetchCurrent(client: WattTimeCaller, zone: string, maxMoer: number): Promise<{ point: MoerPoint; periodSeconds: number } | null> {
  const params = { region: zone, signal_type: SIGNAL, horizon_hours: "0" };
  const series = toSeries(parse(SignalDataResponse, await client.getJson("/v3/forecast", params, "forecast"), "forecast"), "forecast", maxMoer);
  const first = series.points[0];
  return first ? { point: first, periodSeconds: series.periodSeconds } : null;
}
