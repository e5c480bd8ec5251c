import { json, startLoopback, type LoopbackFake } from "./grid-common.js";

const HOUR_MS = 3_600_000;

export interface FakeEiaOptions {
  apiKey?: string;
  /**
   * Net generation (MWh) per fuel code for the hour ENDING at `hourEndMs` (EIA-930 labels), in the order the rows
   * are sent. A string is sent as the API often does; null is a datum with no value.
   */
  mix?: (respondent: string, hourEndMs: number) => Record<string, number | string | null>;
  /** Hours (by their end) left out entirely, as when a balancing authority did not report them. */
  missingHourEnds?: ReadonlySet<number>;
  /** No hour ending after this instant is published yet (EIA's one-day lag). */
  publishedUntilMs?: number;
}

/** A plausible PJM-like mix with a daily swing, storage charging by night (negative) and strings for numbers. */
export const defaultMix = (_respondent: string, hourEndMs: number): Record<string, number | string | null> => {
  const h = new Date(hourEndMs).getUTCHours();
  return {
    COL: String(12000 + 200 * h),
    NG: 30000 + 500 * (h % 12),
    NUC: "32000",
    WAT: 1500,
    SUN: h >= 12 && h <= 22 ? String(3000 + 100 * h) : "0",
    WND: 4000 - 50 * h,
    OIL: "150",
    OTH: 800,
    BAT: h < 8 ? -300 : 250,
    PS: String(h < 8 ? -900 : 600),
  };
};

/** A loopback fake of EIA API v2 `electricity/rto/fuel-type-data/data/`: api_key, facets, hour-ending periods, 5,000-row pages. */
export async function startFakeEia(opts: FakeEiaOptions = {}): Promise<LoopbackFake> {
  const key = opts.apiKey ?? "eia-Test-Key-0123456789abcdef";
  const mix = opts.mix ?? defaultMix;
  return startLoopback((path, q) => {
    if (path !== "/v2/electricity/rto/fuel-type-data/data/" && path !== "/v2/electricity/rto/fuel-type-data/data") {
      return json(404, { error: "not found" });
    }
    if (q.get("api_key") !== key) return json(403, { error: { code: "API_KEY_INVALID", message: "An invalid api_key was supplied." } });
    const respondent = q.get("facets[respondent][]") ?? "";
    const start = Date.parse(`${q.get("start")}:00:00Z`);
    const end = Date.parse(`${q.get("end")}:00:00Z`);
    const offset = Number(q.get("offset") ?? "0");
    const length = Math.min(5000, Number(q.get("length") ?? "5000"));
    if (q.get("frequency") !== "hourly" || Number.isNaN(start) || Number.isNaN(end)) return json(400, { error: "bad request" });
    const rows: Record<string, unknown>[] = [];
    for (let t = start; t <= end; t += HOUR_MS) {
      if (opts.missingHourEnds?.has(t)) continue;
      if (opts.publishedUntilMs !== undefined && t > opts.publishedUntilMs) continue;
      const period = new Date(t).toISOString().slice(0, 13);
      for (const [fueltype, value] of Object.entries(mix(respondent, t))) {
        rows.push({ period, respondent, "respondent-name": `${respondent} name`, fueltype, "type-name": fueltype, value, "value-units": "megawatthours" });
      }
    }
    return json(200, {
      response: { total: String(rows.length), dateFormat: "YYYY-MM-DD\"T\"HH24", frequency: "hourly", data: rows.slice(offset, offset + length), description: "Hourly net generation by balancing authority and energy source." },
      request: { command: "/v2/electricity/rto/fuel-type-data/data/" },
      apiVersion: "2.1.8",
    });
  });
}

export { HOUR_MS };
