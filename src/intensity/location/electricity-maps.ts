import { z } from "zod";
import { checkAnswer } from "../../net/answer-shape.js";
import { getJson, HttpCallFailed } from "../../net/get-json.js";
import { SourceNotInPlan, type GridPoint, type HourlySource } from "./types.js";

const HOUR_MS = 3_600_000;
/** `past-range` answers at most 10 days of hourly data per call. */
const SPAN_MS = 10 * 86_400_000;

const Answer = z.object({
  data: z.array(
    z.object({
      datetime: z.string(),
      carbonIntensity: z.number().nullable(),
      emissionFactorType: z.string().optional(),
      isEstimated: z.boolean().nullable().optional(),
    }),
  ),
});

/**
 * Electricity Maps API v3 `carbon-intensity/past-range`, hourly, lifecycle gCO2eq/kWh (consumption-based: imports
 * included), located by the cloud region itself (`dataCenterProvider` + `dataCenterRegion`) with the caller-IP
 * fallback turned off. The key goes in the `auth-token` header. The free tier has no past-range (history is the
 * last 24 h only): a 403 there is the plan's limit, reported as such, not a failure; a 401 (key refused) is.
 */
export const electricityMapsSource: HourlySource = {
  id: "electricity-maps",
  keyVariable: "ELECTRICITYMAPS_API_KEY",
  basis: "lifecycle CO2e, consumption-based (Electricity Maps hourly)",
  lagMs: 2 * HOUR_MS,
  periodSeconds: 3600,
  zoneOf: (region) => (region.known ? `${region.provider}:${region.region}` : null),
  async points(zone, fromMs, toMs, call) {
    const [provider, region] = zone.split(":") as [string, string];
    const out: GridPoint[] = [];
    for (let start = fromMs; start < toMs; start += SPAN_MS) {
      const end = Math.min(toMs, start + SPAN_MS);
      const base = call.env.ELECTRICITYMAPS_API_URL || "https://api.electricitymap.org";
      const url = new URL("/v3/carbon-intensity/past-range", base);
      const q = url.searchParams;
      q.set("dataCenterProvider", provider);
      q.set("dataCenterRegion", region);
      q.set("start", new Date(start).toISOString());
      q.set("end", new Date(end).toISOString());
      q.set("emissionFactorType", "lifecycle");
      // Without it an unknown location silently answers for the zone of the caller's IP address.
      q.set("shouldUseFallbackCallerLookup", "false");
      const what = `electricity-maps past-range ${zone}`;
      let body: unknown;
      try {
        body = await getJson(url, { http: call.http, abort: call.abort, what, count: call.count, headers: { "auth-token": call.env.ELECTRICITYMAPS_API_KEY ?? "" } });
      } catch (err) {
        // 401 is a key refused (a failure, below); 403 is a key whose plan lacks the endpoint.
        if (err instanceof HttpCallFailed && err.status === 403) {
          throw new SourceNotInPlan("the key's plan has no past-range history (the free tier covers the last 24 h only)");
        }
        throw err;
      }
      const checked = checkAnswer(Answer, body);
      if (!checked.ok) throw new HttpCallFailed(`${what}: the answer is not Electricity Maps data (${checked.why})`);
      for (const d of checked.data.data) {
        const s = Date.parse(d.datetime);
        if (d.carbonIntensity === null || !Number.isFinite(d.carbonIntensity) || d.carbonIntensity < 0 || Number.isNaN(s)) continue;
        if (s < start || s >= end) continue;
        out.push({ startMs: s, endMs: s + HOUR_MS, kgPerKwh: d.carbonIntensity / 1000 });
      }
    }
    return out.sort((a, b) => a.startMs - b.startMs);
  },
};
