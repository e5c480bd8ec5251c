import { lstatSync, mkdirSync, statSync, type Stats } from "node:fs";
import { dirname, resolve } from "node:path";
import { CarbonTrackError, ExitCode, UsageError } from "../errors.js";
import { describeFsError } from "./fs-errors.js";
import type { Leftovers } from "./leftovers.js";
import { probeDir } from "./probe.js";

const kind = (s: Stats): string =>
  s.isFile() ? "a file" : s.isFIFO() ? "a FIFO" : s.isSocket() ? "a socket" : s.isCharacterDevice() || s.isBlockDevice() ? "a device" : "neither a file nor a directory";

/**
 * Checks, before any request is made, that the run will be able to write its files: --out, if it exists, is a
 * directory where a file can be created; if it does not, its nearest existing ancestor is. Nothing is left behind
 * and --out itself is not created (that waits until there is something to put in it). Returns the absolute path.
 */
export function checkOutDir(given: string, cwd: string, flag = "--out"): string {
  const dir = resolve(cwd, given);
  for (let part = dir; ; part = dirname(part)) {
    let stats: Stats;
    try {
      stats = statSync(part);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // Missing, below a file, or not searchable: look further up, where the cause shows.
      if (code === "ENOENT" && lstatSync(part, { throwIfNoEntry: false })?.isSymbolicLink()) {
        throw new UsageError(`${flag} ${given} cannot be created: ${part} is a symbolic link to a path that does not exist`);
      }
      if ((code === "ENOENT" || code === "ENOTDIR" || code === "EACCES") && dirname(part) !== part) continue;
      throw new UsageError(`${flag} ${given} cannot be used: ${part}: ${describeFsError(err)}`);
    }
    if (!stats.isDirectory()) {
      throw new UsageError(part === dir ? `${flag} ${given} exists and is not a directory (${kind(stats)})` : `${flag} ${given} cannot be created: ${part} is ${kind(stats)}`);
    }
    const problem = probeDir(part);
    if (problem) throw new UsageError(part === dir ? `${flag} ${given} is not writable: ${problem}` : `${flag} ${given} cannot be created in ${part}: ${problem}`);
    return dir;
  }
}

/**
 * Creates `dir` and any missing parents, one level at a time, and hands the ones it created to `leftovers` (an
 * interrupted or failed run removes them if they are still empty). Not mkdir's `recursive`, which retries forever
 * on a file system that answers ENOENT for a directory whose parent exists (/proc).
 */
export function createOutDir(dir: string, leftovers: Leftovers): void {
  const created: string[] = [];
  let part = dir;
  try {
    const missing: string[] = [];
    for (; !statSync(part, { throwIfNoEntry: false }); part = dirname(part)) missing.unshift(part);
    for (part of missing) {
      try {
        mkdirSync(part);
        created.push(part);
      } catch (err) {
        // Another run made it in the meantime: it is not ours to remove.
        if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      }
    }
  } catch (err) {
    // Checked before the run: something changed since (a disk that filled up, a mount, a permission).
    throw new CarbonTrackError(`cannot create ${part}: ${describeFsError(err)}: nothing was written`, ExitCode.error);
  } finally {
    leftovers.dirs(created);
  }
}
