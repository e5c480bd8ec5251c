import { closeSync, constants, openSync } from "node:fs";
import { dirname } from "node:path";
import { describeFsError } from "./fs-errors.js";
import { probeDir } from "./probe.js";

/**
 * Whether `path` can be appended to at the end of the run, checked now without creating or changing it: an existing
 * file is opened for appending (non-blocking, so a FIFO without a reader fails at once instead of hanging); a
 * missing one needs a directory where a file can be created. Returns what is wrong, or null.
 */
export function appendProblem(path: string): string | null {
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_APPEND | constants.O_NONBLOCK));
    return null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") return describeFsError(err);
  }
  return probeDir(dirname(path));
}
