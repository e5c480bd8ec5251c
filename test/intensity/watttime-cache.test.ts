import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { accountKey } from "../../src/intensity/watttime/lookup-cache.js";
import { wattTimeProvider } from "../../src/intensity/watttime/index.js";
import type { FakeWattTime } from "../fakes/watttime.js";
import { context, credentials, days, demand, wattTimeTestBed } from "./watttime-setup.js";

let fake: FakeWattTime;
const bed = wattTimeTestBed("ct-wt-cache-");

const HOUR_MS = 3_600_000;
const later = (iso: string, hours: number): string => new Date(Date.parse(iso) + hours * HOUR_MS).toISOString();
const windowOf = (r: { query: URLSearchParams }) => [r.query.get("region"), r.query.get("start"), r.query.get("end")];
/** Each run is a new provider instance, as each CLI run is a new process: only the disk cache carries over. */
const run = (demands: ReturnType<typeof demand>[], now: string) => wattTimeProvider(credentials).resolve(demands, context(fake!.url, bed.cacheDir, now));

describe("WattTime cache: a rerun asks nothing", () => {
  // The default window: 31 days ending yesterday; the last two are within 48 h of now, so not yet settled.
  const NOW = "2026-11-01T10:00:00Z";
  const ZONES = ["CAISO_NORTH", "PJM_DC", "BPA"];
  const demands = () => [
    demand("aws", "us-west-1", days("2026-10-01", 31)),
    demand("aws", "us-east-1", days("2026-10-01", 31)),
    demand("azure", "eastus", days("2026-10-01", 31)),
    demand("aws", "us-west-2", days("2026-10-01", 31)),
  ];

  it("cold: one login, one my-access, one historical per zone; warm within 6 hours: no request at all", async () => {
    fake = await bed.start({ historical: ZONES, forecast: ZONES });
    const cold = await run(demands(), NOW);
    expect(cold.requests).toEqual({ login: 1, "my-access": 1, historical: 3 });

    const sent = fake.log.length;
    const warm = await run(demands(), later(NOW, 1));
    expect(fake.log.length).toBe(sent);
    expect(warm.requests).toEqual({});
    expect(warm.failures).toEqual([]);
    expect(warm.byPeriod).toEqual(cold.byPeriod);
    expect(warm.provenance).toEqual(cold.provenance);
  });

  it("after 6 hours asks again for the recent days only, in one request per zone, without my-access", async () => {
    fake = await bed.start({ historical: ZONES, forecast: ZONES });
    await run(demands(), NOW);
    const sent = fake.log.length;

    const again = await run(demands(), later(NOW, 7));
    expect(again.requests).toEqual({ login: 1, historical: 3 });
    const asked = fake.log.slice(sent).filter((r) => r.path === "/v3/historical");
    expect(asked.map(windowOf).sort()).toEqual(
      ZONES.map((z) => [z, "2026-10-30T00:00:00.000Z", "2026-11-01T00:00:00.000Z"]).sort(),
    );

    // Fetched 48 h after it ended, complete, 2026-10-30 is kept for good from now on; 2026-10-31 (24 h) is not.
    await run(demands(), later(NOW, 14));
    const sentAgain = fake.log.length;
    await run(demands(), later(NOW, 21));
    const last = fake.log.slice(sentAgain).filter((r) => r.path === "/v3/historical");
    expect(last.map(windowOf).sort()).toEqual(ZONES.map((z) => [z, "2026-10-31T00:00:00.000Z", "2026-11-01T00:00:00.000Z"]).sort());
  });

  it("asks my-access again after 24 hours, and only the day that moved into the window", async () => {
    fake = await bed.start({ historical: ["CAISO_NORTH"], forecast: [] });
    const settled = [demand("aws", "us-west-1", days("2026-10-01", 20))];
    await run(settled, NOW);
    expect((await run(settled, later(NOW, 23))).requests).toEqual({});
    const moved = await run([demand("aws", "us-west-1", days("2026-10-02", 20))], later(NOW, 25));
    expect(moved.requests).toEqual({ login: 1, "my-access": 1, historical: 1 });
    expect(windowOf(fake.log.at(-1)!)).toEqual(["CAISO_NORTH", "2026-10-21T00:00:00.000Z", "2026-10-22T00:00:00.000Z"]);
  });

  it("keeps a zone outside the plan out of every warm run, without asking", async () => {
    fake = await bed.start(); // the free plan: CAISO_NORTH only
    const ds = [demand("aws", "us-west-1", days("2026-10-01", 5)), demand("aws", "us-east-1", days("2026-10-01", 5))];
    await run(ds, NOW);
    const sent = fake.log.length;
    const warm = await run(ds, later(NOW, 2));
    expect(fake.log.length).toBe(sent);
    expect(warm.provenance.map((p) => [p.key, p.note])).toEqual([
      ["aws:us-west-1", ""],
      ["aws:us-east-1", "not in plan"],
    ]);
  });

  it("asks again for the day still running, which is never cached", async () => {
    fake = await bed.start({ historical: ["CAISO_NORTH"], forecast: [] });
    const ds = [demand("aws", "us-west-1", days("2026-10-31", 2))];
    await run(ds, NOW);
    const again = await run(ds, later(NOW, 1));
    expect(again.requests).toEqual({ login: 1, historical: 1 });
    expect(windowOf(fake.log.at(-1)!)).toEqual(["CAISO_NORTH", "2026-11-01T00:00:00.000Z", "2026-11-01T11:00:00.000Z"]);
  });

  it("looks a zone up from coordinates once, ever", async () => {
    fake = await bed.start({ historical: ["AESO"], forecast: [], regionFromLoc: () => "AESO" });
    const ds = [demand("aws", "ca-west-1", days("2026-10-01", 2))];
    await run(ds, NOW);
    const warm = await run(ds, later(NOW, 200)); // long after my-access and recent days expired
    expect(warm.requests["region-from-loc"]).toBeUndefined();
    expect(fake.count("/v3/region-from-loc")).toBe(1);
    expect(warm.provenance[0]).toMatchObject({ zone: "AESO", source: "watttime:historical" });
  });
});

describe("WattTime cache: the my-access answer", () => {
  const NOW = "2026-11-05T09:00:00Z";

  it("holds zones and a time, named by a hash: never the username, the password or a token", async () => {
    fake = await bed.start({ historical: ["CAISO_NORTH", "PJM_DC"], forecast: ["CAISO_NORTH"] });
    await run([demand("aws", "us-west-1", days("2026-10-01", 2))], NOW);
    const dir = path.join(bed.cacheDir, "watttime", "my-access");
    const names = await readdir(dir);
    expect(names).toEqual([`${accountKey(fake.url, credentials.username)}.json`]);
    const text = await readFile(path.join(dir, names[0]!), "utf8");
    expect(JSON.parse(text)).toEqual({
      version: 1,
      fetchedAtMs: Date.parse(NOW),
      historical: ["CAISO_NORTH", "PJM_DC"],
      current: ["CAISO_NORTH"],
    });
    const tokens = fake.log.map((r) => /^Bearer (.+)$/.exec(r.authorization)?.[1]).filter((t): t is string => !!t);
    const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64");
    for (const secret of [credentials.username, credentials.password, basic, ...tokens]) {
      expect(names[0]).not.toContain(secret);
      expect(text).not.toContain(secret);
    }
  });

  it("is not shared between two accounts", async () => {
    fake = await bed.start({ historical: ["CAISO_NORTH"], forecast: [] });
    const ds = [demand("aws", "us-west-1", days("2026-10-01", 2)), demand("aws", "us-east-1", days("2026-10-01", 2))];
    await run(ds, NOW);
    // Another account, same cache: it gets no plan from the first one's answer, so it must log in (and is refused here).
    const other = { username: "someone-else", password: "An0ther-pass" };
    const t = await wattTimeProvider(other).resolve(ds, context(fake.url, bed.cacheDir, NOW));
    expect(t.requests).toEqual({ login: 1 });
    expect(t.provenance.map((p) => p.note)).toEqual(["WattTime login failed", "WattTime login failed"]);
    expect(accountKey(fake.url, "someone-else")).not.toBe(accountKey(fake.url, credentials.username));
  });
});
