import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { z } from "zod";

/**
 * The on-disk intensity cache: one JSON file per grid zone per UTC day, holding that day's points.
 * Files hold public grid data only (zone, times, values): never a credential or a token.
 */
const CachedDayFile = z.object({
  version: z.literal(1),
  zone: z.string(),
  day: z.string(),
  units: z.string(),
  periodSeconds: z.number().int().positive(),
  /** [point start in epoch seconds, value in `units`] */
  points: z.array(z.tuple([z.number().int(), z.number().finite()])),
});
export type CachedDay = Omit<z.infer<typeof CachedDayFile>, "version" | "zone" | "day">;

export interface DayCache {
  /** The stored day, or null when absent or unreadable (a damaged file is a miss, not an error). */
  read(zone: string, day: string): Promise<CachedDay | null>;
  write(zone: string, day: string, value: CachedDay): Promise<void>;
}

// Zone codes are WattTime's own (upper case, digits, underscores); anything else is escaped, never a path.
const safeName = (s: string): string => (/^[A-Za-z0-9_-]+$/.test(s) ? s : encodeURIComponent(s).replace(/[%.]/g, "_"));

/** A day cache under `<cacheDir>/<namespace>/<zone>/<YYYY-MM-DD>.json`. */
export function dayCache(cacheDir: string, namespace: string): DayCache {
  const fileOf = (zone: string, day: string): string => path.join(cacheDir, namespace, safeName(zone), `${safeName(day)}.json`);
  return {
    async read(zone, day) {
      let text: string;
      try {
        text = await readFile(fileOf(zone, day), "utf8");
      } catch {
        return null;
      }
      try {
        const parsed = CachedDayFile.safeParse(JSON.parse(text));
        if (!parsed.success || parsed.data.zone !== zone || parsed.data.day !== day) return null;
        const { units, periodSeconds, points } = parsed.data;
        return { units, periodSeconds, points };
      } catch {
        return null;
      }
    },
    async write(zone, day, value) {
      const file = fileOf(zone, day);
      await mkdir(path.dirname(file), { recursive: true });
      // Write beside the final name and rename: a reader never sees half a file, even if the run is killed.
      const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
      const body = JSON.stringify({ version: 1, zone, day, ...value });
      try {
        await writeFile(tmp, body, "utf8");
        await rename(tmp, file);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
    },
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
