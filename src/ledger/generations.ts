import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { UsageError } from "../errors.js";

/**
 * The ledger on disk. `DIR/detail` is a symbolic link to one complete generation of the dataset,
 * `DIR/.generations/<name>/provider=<p>/month=<YYYY-MM>/data.parquet`, one file per partition. A run builds a new
 * generation beside the current one (unchanged partitions hard-linked, changed ones written anew), then swaps the
 * link with one rename: a reader of `DIR/detail/**\/*.parquet` sees the whole old dataset or the whole new one, and
 * a run killed at any moment before that rename leaves `DIR/detail` exactly as it was.
 */

export interface Partition {
  provider: string;
  month: string;
  file: string;
}

export const detailLink = (dir: string): string => join(dir, "detail");
const generationsDir = (dir: string): string => join(dir, ".generations");
export const partitionFile = (gen: string, provider: string, month: string): string => join(gen, `provider=${provider}`, `month=${month}`, "data.parquet");

/** The generation `DIR/detail` shows, as an absolute path, or null for a new ledger. */
export function currentGeneration(dir: string): string | null {
  try {
    return resolve(dir, readlinkSync(detailLink(dir)));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    if (code === "EINVAL") throw new UsageError(`${detailLink(dir)} is not a carbon-track ledger: it should be a link to .generations/, not a directory or file`);
    throw err;
  }
}

/** Every partition file of a generation. */
export function listPartitions(gen: string | null): Partition[] {
  if (gen === null) return [];
  const out: Partition[] = [];
  for (const p of readdirSync(gen)) {
    if (!p.startsWith("provider=")) continue;
    for (const m of readdirSync(join(gen, p))) {
      if (!m.startsWith("month=")) continue;
      const provider = p.slice("provider=".length);
      const month = m.slice("month=".length);
      out.push({ provider, month, file: partitionFile(gen, provider, month) });
    }
  }
  return out.sort((a, b) => (a.provider + a.month).localeCompare(b.provider + b.month));
}

export function createGeneration(dir: string, now: Date): string {
  const gen = join(generationsDir(dir), `g${now.getTime()}-${process.pid}-${randomBytes(3).toString("hex")}`);
  mkdirSync(gen, { recursive: true });
  return gen;
}

export function fsyncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Makes `gen` the ledger's content: one atomic rename of a new link over `DIR/detail`. */
export function publishGeneration(dir: string, gen: string): void {
  const tmp = join(dir, `.detail.${process.pid}.${randomBytes(3).toString("hex")}.tmp`);
  symlinkSync(relative(dir, gen), tmp, "dir");
  try {
    renameSync(tmp, detailLink(dir));
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  fsyncPath(dir);
}

/**
 * Removes every generation but `keep`: the current one and the one it replaced, which a reader that started
 * before the swap may still be reading. What a killed run left half-built goes too.
 */
export function pruneGenerations(dir: string, keep: readonly (string | null)[]): void {
  let names: string[];
  try {
    names = readdirSync(generationsDir(dir));
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(generationsDir(dir), name);
    if (!keep.includes(path)) rmSync(path, { recursive: true, force: true });
  }
}
