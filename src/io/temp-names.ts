import { randomBytes } from "node:crypto";
import { lstatSync, readdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { processAlive as alive } from "./process-alive.js";

/**
 * The names of carbon-track's temporary files, `.<name>.<pid>.<random>.tmp`, and the sweep that removes those a
 * killed run left behind. Only our own names match: `.carbon_….csv` output files, the --out probe and the --audit
 * pack's directory.
 */

const random = (): string => randomBytes(4).toString("hex");

export const tempName = (path: string): string => join(dirname(path), `.${basename(path)}.${process.pid}.${random()}.tmp`);

export const probeName = (): string => `.carbon-track-probe.${process.pid}.${random()}.tmp`;

/** An --audit pack's directory while it is written, beside where it goes (its name says whose pack it is). */
export const packTempName = (path: string): string => join(dirname(path), `.carbon-track-audit.${basename(path)}.${process.pid}.${random()}.tmp`);

const ours = /^\.(?:carbon_\w+\.csv|carbon-track-probe)\.(\d+)\.[0-9a-f]{8}\.tmp$/;
/** A pack's temporary directory: the only temporary that is a directory, removed with what it holds. */
const oursDir = /^\.carbon-track-audit\..+\.(\d+)\.[0-9a-f]{8}\.tmp$/s;

/**
 * Removes our temporary files in `dir` whose process is gone. One with our own pid is stale too: this run has not
 * created any yet, and a container restarts its command under the same pid. A directory that cannot be read is
 * left alone (the run's own check reports what matters).
 */
export function removeStaleTemporaries(dir: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    const file = ours.exec(name)?.[1];
    const directory = file === undefined ? oursDir.exec(name)?.[1] : undefined;
    const pid = file ?? directory;
    if (pid === undefined) continue;
    if (Number(pid) !== process.pid && alive(Number(pid))) continue;
    const path = join(dir, name);
    // lstat: a link under our name is left alone, never followed.
    const stat = lstatSync(path, { throwIfNoEntry: false });
    try {
      if (file !== undefined && stat?.isFile()) rmSync(path, { force: true });
      if (directory !== undefined && stat?.isDirectory()) rmSync(path, { force: true, recursive: true });
    } catch {
      // Not ours to remove after all (another user's, a read-only mount): a later run tries again.
    }
  }
}
