import { CarbonTrackError, ExitCode } from "../errors.js";

/** Throws once the user has interrupted the run (SIGINT, SIGTERM), saying what the interrupt left. */
export function stopIfInterrupted(signal: AbortSignal, what = "nothing was written"): void {
  if (signal.aborted) throw new CarbonTrackError(`interrupted: ${what}`, ExitCode.interrupted);
}
