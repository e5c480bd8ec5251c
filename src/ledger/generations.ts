import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readlinkSync, renameSync, rmSync, symlinkSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { UsageError } from "../errors.js";

/**
 * The ledger on disk. `DIR/current` is a symbolic link to one complete generation,
 * `DIR/.generations/<name>/{detail,summary}/provider=<p>/month=<YYYY-MM>/data.parquet` (one file per partition),
 * and `DIR/detail` and `DIR/summary` are fixed links into `current`. A run builds a new generation beside the
 * current one (unchanged partitions hard-linked, changed ones written anew), then swaps `current` with one
 * rename: a reader of `DIR/detail/**\/*.parquet` sees the whole old dataset or the whole new one, detail and
 * summary from the same run, and a run killed at any moment before that rename leaves the ledger exactly as it was.
 */

export const datasets = ["detail", "summary"] as const;
export type Dataset = (typeof datasets)[number];

export interface Partition {
  provider: string;
  month: string;
}

const currentLink = (dir: string): string => join(dir, "current");
const generationsDir = (dir: string): string => join(dir, ".generations");
export const partitionFile = (gen: string, dataset: Dataset, p: Partition): string =>
  join(gen, dataset, `provider=${p.provider}`, `month=${p.month}`, "data.parquet");

/** The generation `DIR/current` shows, as an absolute path, or null for a new ledger. */
export function currentGeneration(dir: string): string | null {
  try {
    return resolve(dir, readlinkSync(currentLink(dir)));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return null;
    if (code === "EINVAL") throw new UsageError(`${currentLink(dir)} is not a carbon-track ledger: it should be a link to .generations/`);
    throw err;
  }
}

/** Every detail partition of a generation (the summary has the same ones). */
export function listPartitions(gen: string | null): Partition[] {
  if (gen === null) return [];
  const out: Partition[] = [];
  for (const p of readdirSync(join(gen, "detail"))) {
    if (!p.startsWith("provider=")) continue;
    for (const m of readdirSync(join(gen, "detail", p))) {
      if (m.startsWith("month=")) out.push({ provider: p.slice("provider=".length), month: m.slice("month=".length) });
    }
  }
  return out.sort((a, b) => (a.provider + a.month).localeCompare(b.provider + b.month));
}

export function createGeneration(dir: string, now: Date): string {
  const gen = join(generationsDir(dir), `g${now.getTime()}-${process.pid}-${randomBytes(3).toString("hex")}`);
  for (const d of datasets) mkdirSync(join(gen, d), { recursive: true });
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

/** Makes `gen` the ledger's content: one atomic rename of a new link over `DIR/current`. */
export function publishGeneration(dir: string, gen: string): void {
  const tmp = join(dir, `.current.${process.pid}.${randomBytes(3).toString("hex")}.tmp`);
  symlinkSync(relative(dir, gen), tmp, "dir");
  try {
    renameSync(tmp, currentLink(dir));
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
  // The fixed entry points, made once; they never change, so they need no atomic swap.
  for (const d of datasets) {
    try {
      symlinkSync(join("current", d), join(dir, d), "dir");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
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
