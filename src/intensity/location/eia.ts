import { z } from "zod";
import { checkAnswer } from "../../net/answer-shape.js";
import { getJson, HttpCallFailed } from "../../net/get-json.js";
import { lifecycleKgPerKwh, storageCodes, unknownFuelKgPerKwh } from "./lifecycle-factors.js";
import type { GridPoint, HourlySource, SourceCall } from "./types.js";

const HOUR_MS = 3_600_000;
/** The API's largest page of JSON rows. */
const PAGE_ROWS = 5000;

const Datum = z.object({
  period: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}$/),
  fueltype: z.string(),
  // The API sends numbers as strings more often than not; an empty value is a gap.
  value: z.union([z.number(), z.string(), z.null()]),
});
const Answer = z.object({
  response: z.object({
    total: z.union([z.number(), z.string().regex(/^\d+$/)]),
    data: z.array(Datum),
  }),
});

/** `YYYY-MM-DDTHH` as EIA writes an hourly UTC period. */
const label = (ms: number): string => new Date(ms).toISOString().slice(0, 13);

/**
 * US EIA API v2, EIA-930 hourly net generation by fuel per balancing authority (`electricity/rto/fuel-type-data`),
 * turned into a lifecycle CO2e intensity per hour: Σ(generation × factor) ÷ Σ generation over the generating fuels,
 * negative values clipped to zero, storage left out. EIA labels an hourly period by the hour's END: `T05` is
 * 04:00–05:00 UTC. The key travels in the query string, so no URL is ever logged or put in an error.
 */
export const eiaSource: HourlySource = {
  id: "eia",
  keyVariable: "EIA_API_KEY",
  basis: "lifecycle CO2e: EIA-930 hourly generation mix × IPCC AR5 factors",
  lagMs: 36 * HOUR_MS,
  periodSeconds: 3600,
  zoneOf: (region) => region.gridZones?.eia ?? null,
  async points(zone, fromMs, toMs, call) {
    const rows: z.infer<typeof Datum>[] = [];
    for (let offset = 0; ; ) {
      const page = await fetchPage(zone, fromMs, toMs, offset, call);
      rows.push(...page.data);
      offset += page.data.length;
      if (page.data.length === 0 || offset >= page.total) break;
    }
    return hourlyIntensity(rows);
  },
};

async function fetchPage(zone: string, fromMs: number, toMs: number, offset: number, call: SourceCall): Promise<{ data: z.infer<typeof Datum>[]; total: number }> {
  const url = new URL("/v2/electricity/rto/fuel-type-data/data/", call.env.CARBON_TRACK_EIA_URL || "https://api.eia.gov");
  const q = url.searchParams;
  q.set("api_key", call.env.EIA_API_KEY ?? "");
  q.set("frequency", "hourly");
  q.set("data[0]", "value");
  q.set("facets[respondent][]", zone);
  // Hour-ending labels: the hour starting at fromMs is labelled fromMs + 1 h; start and end are inclusive.
  q.set("start", label(fromMs + HOUR_MS));
  q.set("end", label(toMs));
  q.set("sort[0][column]", "period");
  q.set("sort[0][direction]", "asc");
  q.set("offset", String(offset));
  q.set("length", String(PAGE_ROWS));
  const what = `eia fuel-type-data ${zone}`;
  const body = await getJson(url, { http: call.http, abort: call.abort, what, count: call.count });
  const checked = checkAnswer(Answer, body);
  if (!checked.ok) throw new HttpCallFailed(`${what}: the answer is not EIA v2 data (${checked.why})`);
  return { data: checked.data.response.data, total: Number(checked.data.response.total) };
}

/** Per hour, the generation-weighted lifecycle factor; an hour with no positive generation is a gap. */
export function hourlyIntensity(rows: readonly z.infer<typeof Datum>[]): GridPoint[] {
  const hours = new Map<string, { mwh: number; kg: number }>();
  for (const r of rows) {
    if (storageCodes.has(r.fueltype)) continue;
    const mwh = typeof r.value === "number" ? r.value : r.value === null || r.value.trim() === "" ? NaN : Number(r.value);
    if (!Number.isFinite(mwh)) continue;
    const h = hours.get(r.period) ?? { mwh: 0, kg: 0 };
    const gen = Math.max(0, mwh);
    h.mwh += gen;
    h.kg += gen * (lifecycleKgPerKwh[r.fueltype] ?? unknownFuelKgPerKwh);
    hours.set(r.period, h);
  }
  const out: GridPoint[] = [];
  for (const [period, h] of hours) {
    if (!(h.mwh > 0)) continue;
    const endMs = Date.parse(`${period}:00:00Z`);
    out.push({ startMs: endMs - HOUR_MS, endMs, kgPerKwh: h.kg / h.mwh });
  }
  return out.sort((a, b) => a.startMs - b.startMs);
}
