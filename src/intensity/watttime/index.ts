import type { IntensityContext, IntensityProvider, IntensityTable, RegionDemand } from "../types.js";
import { resolveWattTime } from "./resolve.js";

/**
 * WattTime API v3 marginal emissions (co2_moer), time-matched to each usage period, cached on disk,
 * with a documented fallback per region wherever the plan or the data stops. See docs/watttime.md.
 */
export function wattTimeProvider(credentials: { username: string; password: string }): IntensityProvider {
  return {
    id: "watttime",
    resolve: (demands: RegionDemand[], ctx: IntensityContext): Promise<IntensityTable> => resolveWattTime(demands, ctx, credentials),
  };
}
