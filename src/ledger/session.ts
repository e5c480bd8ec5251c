import { createHash, randomUUID } from "node:crypto";
import { closeSync, mkdirSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { openEngine, type Engine } from "../engine/duckdb.js";
import { UsageError } from "../errors.js";
import { groupedDetailColumns } from "../report/group-columns.js";
import type { GroupKey } from "../attribution/keys.js";
import { csvHeader, csvLine } from "../report/csv.js";
import type { CarbonRecord } from "../schema.js";
import type { RunStamp } from "./columns.js";
import { lockLedger } from "./lock.js";
import { toolVersion } from "../version.js";
import { upsertLedger, type Coverage, type UpsertResult } from "./upsert.js";

/**
 * A run's hold on its ledger, from before any provider is asked to the end: the lock, the engine, and the run's
 * rows staged in a CSV inside the ledger directory as they are estimated (no row is held in memory).
 */
export interface LedgerSession {
  dir: string;
  engine: Engine;
  add(r: CarbonRecord): void;
  commit(coverage: Coverage, run: Omit<RunStamp, "runId" | "startedAt" | "toolVersion">): Promise<UpsertResult>;
  close(): void;
}

/** A short hash of the data that turned hours into CO2e, so a reader can tell runs on different factors apart. */
export function dataVersion(parts: readonly string[]): string {
  const h = createHash("sha256");
  for (const p of parts) h.update(p).update("\u0000");
  return h.digest("hex").slice(0, 12);
}

export async function openLedgerSession(dir: string, now: Date, groupKeys: readonly GroupKey[] = []): Promise<LedgerSession> {
  // --group-by keys add their columns after the usual ones, as in the detail file.
  const detailColumns = groupedDetailColumns(groupKeys);
  try {
    if (!statSync(dir).isDirectory()) throw new UsageError(`--ledger ${dir} exists and is not a directory`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
  }
  mkdirSync(dir, { recursive: true });
  const lock = lockLedger(dir, now);
  let engine: Engine;
  try {
    engine = await openEngine();
  } catch (err) {
    lock.release();
    throw err;
  }
  // Whatever a killed run left staged is of no use: the lock says no one else is writing.
  const staging = join(dir, ".staging");
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  const runId = randomUUID();
  const staged = join(staging, `${runId}.csv`);
  const fd = openSync(staged, "wx");
  let pending = csvHeader(detailColumns);
  const flush = (): void => {
    const bytes = Buffer.from(pending);
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
    pending = "";
  };
  let closed = false;
  return {
    dir,
    engine,
    add(r) {
      pending += csvLine(detailColumns, r);
      if (pending.length >= 65_536) flush();
    },
    async commit(coverage, run) {
      flush();
      return upsertLedger(engine, dir, staged, { ...run, runId, startedAt: now, toolVersion: toolVersion() }, coverage, now, detailColumns);
    },
    close() {
      if (closed) return;
      closed = true;
      closeSync(fd);
      rmSync(staging, { recursive: true, force: true });
      engine.close();
      lock.release();
    },
  };
}
