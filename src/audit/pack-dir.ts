import { readdirSync } from "node:fs";
import { UsageError } from "../errors.js";
import { checkOutDir } from "../io/out-dir.js";

/**
 * --audit DIR, checked before anything is created, as --out is: writable where it is or will be. A pack is evidence
 * and is never written over: DIR must not exist yet, or be empty (a file left from an older pack would be an extra
 * file that no manifest lists). Returns the absolute path.
 */
export function checkAuditDir(given: string, cwd: string): string {
  const dir = checkOutDir(given, cwd, "--audit");
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    // Not there yet: it is created with the run's files.
    return dir;
  }
  if (names.length > 0) throw new UsageError(`--audit ${given} is not empty: an evidence pack is never written over; give a new directory`);
  return dir;
}
