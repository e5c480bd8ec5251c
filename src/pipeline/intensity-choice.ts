import { UsageError } from "../errors.js";
import { maxMoerLbsPerMwh } from "../intensity/plausible-moer.js";
import { staticProvider } from "../intensity/static.js";
import type { IntensityProvider } from "../intensity/types.js";
import type { CliOptions } from "../cli/options.js";

export interface IntensityChoice {
  /** Loads the marginal provider; WattTime's module is only imported when it is used. */
  load(): Promise<IntensityProvider>;
  label: string;
  /** A one-line hint for the user, or null. */
  hint: string | null;
}

/** Both signals of a run: every row carries the two figures; --signal only picks which one leads. */
export interface SignalChoices {
  marginal: IntensityChoice;
  average: IntensityChoice;
}

const freeAccountHint =
  "no WattTime credentials: using annual fallback intensities. For time-matched marginal rates, register a free account " +
  "(see docs/watttime.md) and set WATTTIME_USERNAME and WATTTIME_PASSWORD";

const fixed = (note: string, label: string, hint: string | null = null): IntensityChoice => ({
  load: async () => staticProvider(note),
  label,
  hint,
});

/**
 * Picks the providers per ARCHITECTURE.md ("Signals"): --demo and --intensity static are static for both signals;
 * otherwise marginal comes from WattTime when its credentials are set, and the location-based figure from the hourly
 * grid sources (EIA, GB Carbon Intensity, Electricity Maps: each used where it covers the region and its key is set).
 */
export function chooseIntensity(opts: CliOptions, env: NodeJS.ProcessEnv): SignalChoices {
  const username = env.WATTTIME_USERNAME ?? "";
  const password = env.WATTTIME_PASSWORD ?? "";
  const hasCredentials = username !== "" && password !== "";
  if (opts.demo && opts.intensity === "watttime") {
    throw new UsageError("--demo uses static intensities and makes no request: drop --intensity watttime, or give your own rows with --input");
  }
  if (opts.demo) return { marginal: fixed("demo: static intensity", "static"), average: fixed("demo: static intensity", "static") };
  if (opts.intensity === "watttime" && !hasCredentials) throw new UsageError("--intensity watttime needs WATTTIME_USERNAME and WATTTIME_PASSWORD in the environment");
  if (opts.intensity === "static") return { marginal: fixed("--intensity static", "static"), average: fixed("--intensity static", "static") };
  const average: IntensityChoice = {
    load: async () => {
      const [{ locationProvider }, { hourlySources }] = await Promise.all([import("../intensity/location/provider.js"), import("../intensity/location/registry.js")]);
      return locationProvider(hourlySources);
    },
    label: "hourly",
    hint: null,
  };
  if (!hasCredentials) return { marginal: fixed("no WattTime credentials", "static", freeAccountHint), average };
  // Checked here, with the other settings, so that a bad value stops the run before anything is created.
  maxMoerLbsPerMwh(env);
  return {
    marginal: {
      load: async () => (await import("../intensity/watttime/index.js")).wattTimeProvider({ username, password }),
      label: "watttime",
      hint: null,
    },
    average,
  };
}
