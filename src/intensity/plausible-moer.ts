import { UsageError } from "../errors.js";

/**
 * The highest marginal emissions rate (MOER, lbs CO2/MWh) taken as a real grid's. The dirtiest marginal units,
 * coal plants, emit about 2,200-2,400 lbs/MWh (EIA: ~205-230 lbs CO2 per MMBtu at heat rates near 10,000-10,500
 * Btu/kWh), and an old oil or gas peaker stays below that; 3,000 leaves room for the worst of them. A value above
 * it, or one that is zero, negative or not a number, is a damaged cache file or a broken answer, never a grid:
 * used, it would make a total astronomical or negative.
 */
export const MAX_PLAUSIBLE_MOER_LBS_PER_MWH = 3000;

const ENV = "CARBON_TRACK_MAX_MOER_LBS_PER_MWH";

/** The upper bound of this run: CARBON_TRACK_MAX_MOER_LBS_PER_MWH when set (a grid someone knows to be dirtier), else the default. */
export function maxMoerLbsPerMwh(env: NodeJS.ProcessEnv): number {
  const text = env[ENV]?.trim();
  if (!text) return MAX_PLAUSIBLE_MOER_LBS_PER_MWH;
  const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : NaN;
  if (!(n > 0) || !Number.isFinite(n)) {
    throw new UsageError(`${ENV} "${text}" is not a plain positive number of lbs/MWh (such as 3500): unset it for the default ${MAX_PLAUSIBLE_MOER_LBS_PER_MWH}`);
  }
  return n;
}

/** Whether a MOER can be a grid's: a finite number above zero and at most `max`. */
export const isPlausibleMoer = (lbsPerMwh: number, max: number): boolean => Number.isFinite(lbsPerMwh) && lbsPerMwh > 0 && lbsPerMwh <= max;
