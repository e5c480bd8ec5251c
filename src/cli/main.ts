import { CarbonTrackError, ExitCode } from "../errors.js";
import { dispatch } from "./dispatch.js";
import type { RunDeps } from "./run.js";

/** The process boundary: runs the command and maps every error to one line and an exit code. */
export async function main(deps: RunDeps): Promise<number> {
  try {
    return await dispatch(deps);
  } catch (err) {
    if (err instanceof CarbonTrackError) {
      deps.stderr.write(`carbon-track: ${err.message}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    deps.stderr.write(`carbon-track: unexpected error: ${e?.message ?? String(err)}\n`);
    if (deps.argv.includes("--verbose") || deps.argv.includes("-v")) deps.stderr.write(`${e?.stack ?? ""}\n`);
    return ExitCode.error;
  }
}
