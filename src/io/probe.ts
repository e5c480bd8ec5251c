import { closeSync, existsSync, openSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { describeFsError } from "./fs-errors.js";
import { probeName } from "./temp-names.js";

/**
 * Creates and removes a file in `dir`: the one test that answers for permission bits, ACLs, read-only mounts and
 * file systems that take no new files (/proc, /sys), where access() is fooled by root and by mount options.
 * Returns what is wrong, or null.
 */
export function probeDir(dir: string): string | null {
  const path = join(dir, probeName());
  try {
    closeSync(openSync(path, "wx"));
    unlinkSync(path);
    return null;
  } catch (err) {
    // /proc answers a new file with ENOENT, which would read as "the directory is missing" though it is there.
    if ((err as NodeJS.ErrnoException).code === "ENOENT" && existsSync(dir)) return "the file system there takes no new files (ENOENT)";
    return describeFsError(err);
  }
}
