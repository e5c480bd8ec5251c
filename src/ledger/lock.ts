import { closeSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../errors.js";
import { processAlive as alive } from "../io/process-alive.js";

/** Locks this process holds: a second run inside the same process (tests, a library user) is refused too. */
const held = new Set<string>();

export interface LedgerLock {
  release(): void;
}

/** The live run holding DIR/.lock, or null: no lock, an unreadable one, or one whose process is gone. */
function liveOwner(path: string): { pid: number; started: string } | null {
  let owner: { pid?: unknown; started?: unknown } = {};
  try {
    owner = JSON.parse(readFileSync(path, "utf8")) as typeof owner;
  } catch {
    // Absent, empty or half-written: its writer died between create and write (the write is one small call).
    return null;
  }
  const pid = typeof owner.pid === "number" ? owner.pid : null;
  if (pid === null || !(pid === process.pid ? held.has(path) : alive(pid))) return null;
  return { pid, started: String(owner.started) };
}

const inUse = (dir: string, owner: { pid: number; started: string }): UsageError =>
  new UsageError(`ledger ${dir} is in use by another carbon-track run (pid ${owner.pid}, started ${owner.started}): nothing was done; run again when it has finished`);

/**
 * Refuses a ledger another run holds, before any provider is asked (a billed request) or any file is made; the
 * lock itself is taken once the usage is in, by lockLedger, which still refuses a run that lost the race.
 */
export function assertLedgerFree(dir: string): void {
  const owner = liveOwner(join(dir, ".lock"));
  if (owner) throw inUse(dir, owner);
}

/**
 * One run at a time per ledger: `DIR/.lock` is created exclusively (O_EXCL) and holds the owner's pid and start.
 * A lock whose process is gone (a killed run) is taken over; a live one refuses this run with exit 2, before the
 * run has written anything.
 */
export function lockLedger(dir: string, now: Date): LedgerLock {
  const path = join(dir, ".lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    let fd: number;
    try {
      fd = openSync(path, "wx");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const owner = liveOwner(path);
      if (owner) throw inUse(dir, owner);
      rmSync(path, { force: true });
      continue;
    }
    writeSync(fd, JSON.stringify({ pid: process.pid, started: now.toISOString() }));
    closeSync(fd);
    held.add(path);
    return {
      release() {
        held.delete(path);
        rmSync(path, { force: true });
      },
    };
  }
  throw new UsageError(`ledger ${dir}: its lock ${path} could not be taken: another run took it over at the same moment`);
}
