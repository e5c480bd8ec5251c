import type { IntensityContext, IntensityProvider, IntensityTable, RegionDemand } from "../types.js";
import { resolveWattTime } from "./resolve.js";
import { wattTimeSession, type WattTimeSession } from "./session.js";

/**
 * WattTime API v3 marginal emissions (co2_moer), time-matched to each usage period, cached on disk,
 * with a documented fallback per region wherever the plan or the data stops. See docs/watttime.md.
 *
 * An instance serves one run. `resolve` may be called several times, concurrently too (one call per billing
 * provider as each answers): the calls share one login, one my-access answer, each zone-day's request and one
 * limit on requests in flight, and each call's table counts only the requests that call sent.
 */
export function wattTimeProvider(credentials: { username: string; password: string }): IntensityProvider {
  let session: WattTimeSession | null = null;
  return {
    id: "watttime",
    prepare: (ctx) => (session ??= wattTimeSession({ ...ctx, signal: "marginal" }, credentials)).warmUp(),
    resolve: (demands: RegionDemand[], ctx: IntensityContext): Promise<IntensityTable> =>
      resolveWattTime(demands, ctx, () => (session ??= wattTimeSession(ctx, credentials))),
  };
}
