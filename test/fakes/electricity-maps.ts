import { json, startLoopback, type LoopbackFake } from "./grid-common.js";

const HOUR_MS = 3_600_000;

export interface FakeElectricityMapsOptions {
  token?: string;
  /** `free`: past-range is outside the plan (history is the last 24 h only). */
  plan?: "free" | "paid";
  /** Lifecycle gCO2eq/kWh for a cloud region's hour starting at `startMs`. */
  intensity?: (dataCenterRegion: string, startMs: number) => number;
}

/** A loopback fake of Electricity Maps API v3 `carbon-intensity/past-range`, located by data-centre provider and region. */
export async function startFakeElectricityMaps(opts: FakeElectricityMapsOptions = {}): Promise<LoopbackFake> {
  const token = opts.token ?? "em-Test-Token-0123456789";
  const intensity = opts.intensity ?? ((_r: string, s: number) => 200 + (s / HOUR_MS) % 24);
  return startLoopback((path, q, req) => {
    if (req.headers["auth-token"] !== token) return json(401, { message: "Invalid auth-token" });
    if (path !== "/v3/carbon-intensity/past-range") return json(404, { message: "Not found" });
    if (opts.plan === "free") return json(403, { message: "Your plan does not include access to this endpoint" });
    if (q.get("shouldUseFallbackCallerLookup") !== "false") return json(400, { message: "the test expects no caller lookup" });
    const region = q.get("dataCenterRegion") ?? "";
    const start = Date.parse(q.get("start") ?? "");
    const end = Date.parse(q.get("end") ?? "");
    if (Number.isNaN(start) || Number.isNaN(end) || end - start > 10 * 86_400_000) return json(400, { message: "range of at most 10 days" });
    const data = [];
    for (let s = start; s < end; s += HOUR_MS) {
      const at = new Date(s).toISOString().replace(".000Z", ".000Z");
      data.push({ zone: "US-MIDA-PJM", carbonIntensity: intensity(region, s), datetime: at, updatedAt: at, createdAt: at, emissionFactorType: "lifecycle", isEstimated: false, estimationMethod: null });
    }
    return json(200, { zone: "US-MIDA-PJM", data });
  });
}
