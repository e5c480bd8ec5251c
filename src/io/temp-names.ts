import { randomBytes } from "node:crypto";
import { lstatSync, readdirSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { processAlive as alive } from "./process-alive.js";

/**
 * The names of carbon-track's temporary files, `.<name>.<pid>.<random>.tmp`, and the sweep that removes those a
 * killed run left behind. Only our own names match: `.carbon_….csv` output files and the --out probe.
 */

const random = (): string => randomBytes(4).toString("hex");

export const tempName = (path: string): string => join(dirname(path), `.${basename(path)}.${process.pid}.${random()}.tmp`);

export const probeName = (): string => `.carbon-track-probe.${process.pid}.${random()}.tmp`;

const ours = /^\.(?:carbon_\w+\.csv|carbon-track-probe)\.(\d+)\.[0-9a-f]{8}\.tmp$/;


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
    const pid = ours.exec(name)?.[1];
    if (pid === undefined) continue;
    if (Number(pid) !== process.pid && alive(Number(pid))) continue;
    const path = join(dir, name);
    if (lstatSync(path, { throwIfNoEntry: false })?.isFile()) rmSync(path, { force: true });
  }
}
