import { CarbonTrackError, ExitCode } from "../errors.js";
import { secretsInEnvironment } from "../text/known-secrets.js";
import { createRedactor } from "../text/redact.js";
import { sanitizeLine } from "../text/sanitize.js";
import { dispatch } from "./dispatch.js";
import type { RunDeps } from "../pipeline/run.js";

/**
 * The process boundary: runs the command and maps every error to one line and an exit code. The run's redactor
 * is made here, so the last line is redacted with the tokens the run obtained too.
 */
export async function main(deps: RunDeps): Promise<number> {
  const redactor = createRedactor(secretsInEnvironment(deps.env));
  const clean = (text: string): string => sanitizeLine(redactor.redact(text));
  try {
    return await dispatch(deps, redactor);
  } catch (err) {
    if (err instanceof CarbonTrackError) {
      deps.stderr.write(`carbon-track: ${clean(err.message)}\n`);
      return err.exitCode;
    }
    const e = err as Error;
    deps.stderr.write(`carbon-track: unexpected error: ${clean(e?.message ?? String(err))}\n`);
    if (deps.argv.includes("--verbose") || deps.argv.includes("-v")) {
      // A stack is many lines: each is cleaned on its own.
      deps.stderr.write(`${redactor.redact(e?.stack ?? "").split("\n").map(sanitizeLine).join("\n")}\n`);
    }
    return ExitCode.error;
  }
}
