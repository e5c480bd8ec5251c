import { mkdtemp, readdir, rm, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { dayCache, defaultCacheDir } from "../../src/intensity/cache.js";
import { createRedactor } from "../../src/text/redact.js";

describe("defaultCacheDir", () => {
  it("prefers XDG_CACHE_HOME, then the platform's place", () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/x/cache", HOME: "/home/a" }, "linux")).toBe("/x/cache/carbon-track");
    expect(defaultCacheDir({ XDG_CACHE_HOME: "/x/cache", HOME: "/Users/a" }, "darwin")).toBe("/x/cache/carbon-track");
    expect(defaultCacheDir({ HOME: "/home/a" }, "linux")).toBe("/home/a/.cache/carbon-track");
    expect(defaultCacheDir({ XDG_CACHE_HOME: "relative", HOME: "/home/a" }, "linux")).toBe("/home/a/.cache/carbon-track");
    expect(defaultCacheDir({ HOME: "/Users/a" }, "darwin")).toBe("/Users/a/Library/Caches/carbon-track");
    expect(defaultCacheDir({ LOCALAPPDATA: "C:\\Users\\a\\AppData\\Local" }, "win32")).toBe("C:\\Users\\a\\AppData\\Local\\carbon-track\\Cache");
  });
});

describe("dayCache", () => {
  let dir = "";
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it("round-trips a day and leaves no temporary file", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "ct-cache-"));
    const cache = dayCache(dir, "watttime/co2_moer", createRedactor([]));
    const day = { units: "lbs_co2_per_mwh", periodSeconds: 300, fetchedAtMs: 1791072000000, points: [[1790812800, 812.5]] as [number, number][] };
    await cache.write("CAISO_NORTH", "2026-10-01", day);
    expect(await cache.read("CAISO_NORTH", "2026-10-01")).toEqual(day);
    expect(await readdir(path.join(dir, "watttime/co2_moer/CAISO_NORTH"))).toEqual(["2026-10-01.json"]);
    expect(await cache.read("CAISO_NORTH", "2026-10-02")).toBeNull();
  });

  it("treats a file of the older format (no fetch time) as a miss", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "ct-cache-"));
    await mkdir(path.join(dir, "w/Z"), { recursive: true });
    await writeFile(path.join(dir, "w/Z/2026-10-01.json"), '{"version":1,"zone":"Z","day":"2026-10-01","units":"x","periodSeconds":300,"points":[]}');
    expect(await dayCache(dir, "w", createRedactor([])).read("Z", "2026-10-01")).toBeNull();
  });

  it("treats a damaged file as a miss", async () => {
    dir = await mkdtemp(path.join(tmpdir(), "ct-cache-"));
    await mkdir(path.join(dir, "w/Z"), { recursive: true });
    await writeFile(path.join(dir, "w/Z/2026-10-01.json"), '{"version":1,"zone":"Z","day":"2026-10-01","units":"x","periodSeconds":300,"points":[[1,');
    expect(await dayCache(dir, "w", createRedactor([])).read("Z", "2026-10-01")).toBeNull();
  });
});
