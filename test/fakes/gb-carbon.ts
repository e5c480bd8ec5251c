import { json, startLoopback, type LoopbackFake } from "./grid-common.js";

const HALF_HOUR_MS = 1_800_000;
const gbInstant = (ms: number): string => `${new Date(ms).toISOString().slice(0, 16)}Z`;

export interface FakeGbCarbonOptions {
  /** Actual gCO2/kWh of the half-hour starting at `startMs`; null for a half-hour with a forecast only. */
  actual?: (startMs: number) => number | null;
}

export const defaultGbActual = (startMs: number): number => 120 + ((startMs / HALF_HOUR_MS) % 48) * 3;

/**
 * A loopback fake of the GB Carbon Intensity API `/intensity/{from}/{to}`: national half-hours with forecast and
 * actual. Like the service, its first half-hour is the one that ends at `from`.
 */
export async function startFakeGbCarbon(opts: FakeGbCarbonOptions = {}): Promise<LoopbackFake> {
  const actual = opts.actual ?? defaultGbActual;
  return startLoopback((path) => {
    const m = /^\/intensity\/([^/]+)\/([^/]+)$/.exec(path);
    if (!m) return json(400, { error: { code: "400 Bad Request", message: "Please enter a valid path" } });
    const from = Date.parse(decodeURIComponent(m[1]!).replace(/Z$/, ":00Z"));
    const to = Date.parse(decodeURIComponent(m[2]!).replace(/Z$/, ":00Z"));
    if (Number.isNaN(from) || Number.isNaN(to) || to - from > 14 * 86_400_000) {
      return json(400, { error: { code: "400 Bad Request", message: "Please enter a valid ISO 8601 datetime range of at most 14 days" } });
    }
    const data = [];
    for (let s = from - HALF_HOUR_MS; s < to; s += HALF_HOUR_MS) {
      const a = actual(s);
      data.push({ from: gbInstant(s), to: gbInstant(s + HALF_HOUR_MS), intensity: { forecast: a === null ? 150 : a + 5, actual: a, index: "moderate" } });
    }
    return json(200, { data });
  });
}

export { HALF_HOUR_MS };
