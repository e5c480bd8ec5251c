import { UsageError } from "../errors.js";
import { maxMoerLbsPerMwh } from "../intensity/plausible-moer.js";
import { staticProvider } from "../intensity/static.js";
import type { IntensityProvider } from "../intensity/types.js";
import type { CliOptions } from "./options.js";

export interface IntensityChoice {
  /** Loads the provider; WattTime's module is only imported when it is used. */
  load(): Promise<IntensityProvider>;
  label: string;
  /** A one-line hint for the user, or null. */
  hint: string | null;
}

const freeAccountHint =
  "no WattTime credentials: using annual fallback intensities. For time-matched marginal rates, register a free account " +
  "(see docs/watttime.md) and set WATTTIME_USERNAME and WATTTIME_PASSWORD";

/** Picks the intensity provider per ARCHITECTURE.md: --demo is always static; WattTime when asked or when credentials are set. */
export function chooseIntensity(opts: CliOptions, env: NodeJS.ProcessEnv): IntensityChoice {
  const username = env.WATTTIME_USERNAME ?? "";
  const password = env.WATTTIME_PASSWORD ?? "";
  const hasCredentials = username !== "" && password !== "";
  const fixed = (note: string, label: string, hint: string | null = null): IntensityChoice => ({
    load: async () => staticProvider(note),
    label,
    hint,
  });
  if (opts.demo && opts.intensity === "watttime") {
    throw new UsageError("--demo uses static intensities and makes no request: drop --intensity watttime, or give your own rows with --input");
  }
  if (opts.demo) return fixed("demo: static intensity", "static");
  if (opts.intensity === "watttime") {
    if (!hasCredentials) throw new UsageError("--intensity watttime needs WATTTIME_USERNAME and WATTTIME_PASSWORD in the environment");
    if (opts.signal !== "marginal") throw new UsageError("--intensity watttime gives marginal rates: drop --signal average, or use --intensity static");
  }
  if (opts.intensity === "static") return fixed("--intensity static", "static");
  if (opts.signal === "average") return fixed("average signal: annual figures", "static");
  if (!hasCredentials) return fixed("no WattTime credentials", "static", freeAccountHint);
  // Checked here, with the other settings, so that a bad value stops the run before anything is created.
  maxMoerLbsPerMwh(env);
  return {
    load: async () => (await import("../intensity/watttime/index.js")).wattTimeProvider({ username, password }),
    label: "watttime",
    hint: null,
  };
}
