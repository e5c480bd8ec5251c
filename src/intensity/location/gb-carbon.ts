import { z } from "zod";
import { checkAnswer } from "../../net/answer-shape.js";
import { getJson, HttpCallFailed } from "../../net/get-json.js";
import type { GridPoint, HourlySource } from "./types.js";

const HALF_HOUR_MS = 1_800_000;
/** The API answers at most 14 days per `/intensity/{from}/{to}` call. */
const SPAN_MS = 14 * 86_400_000;

const Answer = z.object({
  data: z.array(
    z.object({
      from: z.string(),
      to: z.string(),
      intensity: z.object({ forecast: z.number().nullable().optional(), actual: z.number().nullable().optional() }),
    }),
  ),
});

/** `2018-01-20T12:00Z`, the API's instant format. */
const instant = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16)}Z`;

/**
 * GB Carbon Intensity API (NESO), national half-hourly `actual` in gCO2/kWh. Operational CO2 only (combustion, imports
 * included), not lifecycle CO2e: the note says so. Regional series are forecast only, so London regions use the
 * national actuals. No key.
 */
export const gbCarbonSource: HourlySource = {
  id: "gb-carbon-intensity",
  keyVariable: null,
  basis: "operational CO2 only (GB Carbon Intensity national actual, half-hourly)",
  lagMs: 2 * HALF_HOUR_MS,
  periodSeconds: 1800,
  zoneOf: (region) => region.gridZones?.gbCarbonIntensity ?? null,
  async points(_zone, fromMs, toMs, call) {
    const out: GridPoint[] = [];
    for (let start = fromMs; start < toMs; start += SPAN_MS) {
      const end = Math.min(toMs, start + SPAN_MS);
      const url = new URL(`/intensity/${instant(start)}/${instant(end)}`, call.env.CARBON_TRACK_GB_CARBON_URL || "https://api.carbonintensity.org.uk");
      const what = "gb-carbon-intensity /intensity";
      const checked = checkAnswer(Answer, await getJson(url, { http: call.http, abort: call.abort, what, count: call.count, headers: { accept: "application/json" } }));
      if (!checked.ok) throw new HttpCallFailed(`${what}: the answer is not Carbon Intensity data (${checked.why})`);
      for (const d of checked.data.data) {
        const actual = d.intensity.actual;
        // `2018-01-20T12:00Z`: ISO 8601 without seconds, which Date.parse reads as UTC.
        const s = Date.parse(d.from);
        const e = Date.parse(d.to);
        // A half-hour without an actual (only a forecast) is a gap: forecasts are not accounting figures.
        if (typeof actual !== "number" || !Number.isFinite(actual) || actual < 0 || Number.isNaN(s) || e - s !== HALF_HOUR_MS) continue;
        if (s < start || s >= end) continue;
        out.push({ startMs: s, endMs: e, kgPerKwh: actual / 1000 });
      }
    }
    return out.sort((a, b) => a.startMs - b.startMs);
  },
};
