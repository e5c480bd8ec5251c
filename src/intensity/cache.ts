import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { z } from "zod";
import type { Redactor } from "../text/redact.js";

/**
 * The on-disk intensity cache. Every file is one JSON document written atomically. Files hold public grid data
 * and lookups (zones, times, values, which zones a plan reads): never a credential, a token or a username. What
 * the provider answered is stored, so each document goes through the run's redactor before it is written.
 */
export interface JsonFiles {
  /** The parsed document at `<cacheDir>/<parts…>.json`, or null when absent or not JSON (a damaged file is a miss). */
  read(parts: string[]): Promise<unknown>;
  write(parts: string[], value: unknown): Promise<void>;
  /** Removes the file, if there is one. */
  remove(parts: string[]): Promise<void>;
}

// Zone codes are WattTime's own (upper case, digits, underscores); anything else is escaped, never a path.
const safeName = (s: string): string => (/^[A-Za-z0-9_-]+$/.test(s) ? s : encodeURIComponent(s).replace(/[%.]/g, "_"));

export function jsonFiles(cacheDir: string, redactor: Redactor): JsonFiles {
  const fileOf = (parts: string[]): string => {
    const names = parts.map(safeName);
    names[names.length - 1] += ".json";
    return path.join(cacheDir, ...names);
  };
  return {
    async read(parts) {
      try {
        return JSON.parse(await readFile(fileOf(parts), "utf8")) as unknown;
      } catch {
        return null;
      }
    },
    async write(parts, value) {
      const file = fileOf(parts);
      await mkdir(path.dirname(file), { recursive: true });
      // Write beside the final name and rename: a reader never sees half a file, even if the run is killed.
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
      try {
        await writeFile(tmp, redactor.redact(JSON.stringify(value)), "utf8");
        await rename(tmp, file);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    },
    remove: (parts) => rm(fileOf(parts), { force: true }),
  };
}

const CachedDayFile = z.object({
  version: z.literal(2),
  zone: z.string(),
  day: z.string(),
  units: z.string(),
  periodSeconds: z.number().int().positive(),
  /** When the points were fetched, on the run's clock: how long they are trusted depends on it (see history.ts). */
  fetchedAtMs: z.number().int(),
  /** [point start in epoch seconds, value in `units`] */
  points: z.array(z.tuple([z.number().int(), z.number().finite()])),
});
export type CachedDay = Omit<z.infer<typeof CachedDayFile>, "version" | "zone" | "day">;

/** One file per grid zone per UTC day, holding that day's points. */
export interface DayCache {
  /** The stored day, or null when absent, unreadable or of an older format. */
  read(zone: string, day: string): Promise<CachedDay | null>;
  write(zone: string, day: string, value: CachedDay): Promise<void>;
  /** Drops a stored day found untrustworthy, so no later run reads it. */
  remove(zone: string, day: string): Promise<void>;
}

/** A day cache under `<cacheDir>/<namespace>/<zone>/<YYYY-MM-DD>.json`. */
export function dayCache(cacheDir: string, namespace: string, redactor: Redactor): DayCache {
  const files = jsonFiles(cacheDir, redactor);
  const partsOf = (zone: string, day: string): string[] => [...namespace.split("/"), zone, day];
  return {
    async read(zone, day) {
      const parsed = CachedDayFile.safeParse(await files.read(partsOf(zone, day)));
      if (!parsed.success || parsed.data.zone !== zone || parsed.data.day !== day) return null;
      const { units, periodSeconds, fetchedAtMs, points } = parsed.data;
      return { units, periodSeconds, fetchedAtMs, points };
    },
    write: (zone, day, value) => files.write(partsOf(zone, day), { version: 2, zone, day, ...value }),
    remove: (zone, day) => files.remove(partsOf(zone, day)),
  };
}

/**
 * Where carbon-track keeps its cache when the user did not say: XDG_CACHE_HOME when set (any platform),
 * else the platform's own place: ~/Library/Caches on macOS, %LOCALAPPDATA% on Windows, ~/.cache elsewhere.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string {
  const p = platform === "win32" ? path.win32 : path.posix;
  const home = env.HOME || env.USERPROFILE || homedir();
  if (env.XDG_CACHE_HOME && p.isAbsolute(env.XDG_CACHE_HOME)) return p.join(env.XDG_CACHE_HOME, "carbon-track");
  if (platform === "darwin") return p.join(home, "Library", "Caches", "carbon-track");
  if (platform === "win32") return p.join(env.LOCALAPPDATA || p.join(home, "AppData", "Local"), "carbon-track", "Cache");
  return p.join(home, ".cache", "carbon-track");
}
