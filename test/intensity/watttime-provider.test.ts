import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { wattTimeProvider } from "../../src/intensity/watttime/index.js";
import type { FakeWattTime } from "../fakes/watttime.js";
import { context, credentials, days, demand, hours, wattTimeTestBed } from "./watttime-setup.js";

const LB_KG = 0.45359237;
let fake: FakeWattTime;
const bed = wattTimeTestBed("ct-wt-");

const historicalCalls = (f: FakeWattTime) => f.log.filter((r) => r.path === "/v3/historical");

describe("WattTime provider: requests and cache", () => {
  const ZONES = ["CAISO_NORTH", "PJM_DC", "BPA"];
  // aws:us-east-1 and azure:eastus share PJM_DC: one request for both.
  const demands = (since: string) => [
    demand("aws", "us-west-1", days(since, 30)),
    demand("aws", "us-east-1", days(since, 30)),
    demand("azure", "eastus", days(since, 30)),
    demand("aws", "us-west-2", days(since, 30)),
  ];

  it("asks once per zone for 30 days, not at all when warm, and only the new day after the window moves", async () => {
    fake = await bed.start({ historical: ZONES, forecast: ZONES, historicalDelayMs: 50 });
    const first = await wattTimeProvider(credentials).resolve(demands("2026-10-01"), context(fake.url, bed.cacheDir, "2026-11-05T09:00:00Z"));

    expect(first.failures).toEqual([]);
    expect(first.requests).toEqual({ login: 1, "my-access": 1, historical: 3 });
    expect(historicalCalls(fake).map((r) => r.query.get("region")).sort()).toEqual(["BPA", "CAISO_NORTH", "PJM_DC"]);
    for (const r of historicalCalls(fake)) {
      expect(r.query.get("start")).toBe("2026-10-01T00:00:00.000Z");
      expect(r.query.get("end")).toBe("2026-10-31T00:00:00.000Z");
    }
    expect(fake.maxConcurrentHistorical()).toBeGreaterThan(1);
    expect(fake.maxConcurrentHistorical()).toBeLessThanOrEqual(3);
    expect(first.provenance.map((p) => [p.key, p.zone, p.source])).toEqual([
      ["aws:us-west-1", "CAISO_NORTH", "watttime:historical"],
      ["aws:us-east-1", "PJM_DC", "watttime:historical"],
      ["azure:eastus", "PJM_DC", "watttime:historical"],
      ["aws:us-west-2", "BPA", "watttime:historical"],
    ]);
    expect(first.byPeriod.get("aws:us-west-1")?.size).toBe(30);

    // A new instance is a new run: only the disk cache carries over.
    const warm = await wattTimeProvider(credentials).resolve(demands("2026-10-01"), context(fake.url, bed.cacheDir, "2026-11-05T09:00:00Z"));
    expect(historicalCalls(fake)).toHaveLength(3);
    expect(warm.requests).toEqual({});
    expect(warm.byPeriod).toEqual(first.byPeriod);

    const moved = await wattTimeProvider(credentials).resolve(demands("2026-10-02"), context(fake.url, bed.cacheDir, "2026-11-06T09:00:00Z"));
    expect(moved.requests).toEqual({ login: 1, "my-access": 1, historical: 3 });
    for (const r of historicalCalls(fake).slice(3)) {
      expect([r.query.get("start"), r.query.get("end")]).toEqual(["2026-10-31T00:00:00.000Z", "2026-11-01T00:00:00.000Z"]);
    }
  });

  it("bypasses the cache when bed.cacheDir is null", async () => {
    fake = await bed.start({ historical: ["CAISO_NORTH"], forecast: [] });
    const ds = [demand("aws", "us-west-1", days("2026-10-01", 3))];
    await wattTimeProvider(credentials).resolve(ds, context(fake.url, null, "2026-11-05T00:00:00Z"));
    await wattTimeProvider(credentials).resolve(ds, context(fake.url, null, "2026-11-05T00:00:00Z"));
    expect(historicalCalls(fake)).toHaveLength(2);
  });

  it("never writes the password or a token into the cache", async () => {
    fake = await bed.start({ historical: ZONES, forecast: ZONES });
    await wattTimeProvider(credentials).resolve(demands("2026-10-01"), context(fake.url, bed.cacheDir, "2026-11-05T09:00:00Z"));
    const files = (await readdir(bed.cacheDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    // 30 days × 3 zones, and the account's my-access answer.
    expect(files.filter((f) => f.parentPath.includes(path.join("watttime", "co2_moer"))).length).toBe(90);
    expect(files.length).toBe(91);
    const tokens = fake.log.map((r) => /^Bearer (.+)$/.exec(r.authorization)?.[1]).filter((t): t is string => !!t);
    const basic = Buffer.from(`${credentials.username}:${credentials.password}`).toString("base64");
    for (const f of files) {
      const text = await readFile(path.join(f.parentPath, f.name), "utf8");
      for (const secret of [credentials.password, basic, ...tokens]) expect(text).not.toContain(secret);
    }
  });
});

describe("WattTime provider: time matching", () => {
  // Hand-made points: value = 400 + 10 × hour + (minute / 5), so an hour h has mean 400 + 10h + 5.5
  // and a whole day has mean 400 + 115 + 5.5 = 520.5 lbs/MWh.
  const handMade = (_zone: string, ms: number): number => {
    const d = new Date(ms);
    return 400 + 10 * d.getUTCHours() + d.getUTCMinutes() / 5;
  };

  it("gives a day the mean of its points × 0.45359237 / 1000", async () => {
    fake = await bed.start({ historical: ["CAISO_NORTH"], forecast: [], value: handMade });
    const t = await wattTimeProvider(credentials).resolve([demand("aws", "us-west-1", days("2026-10-01", 2))], context(fake.url, bed.cacheDir, "2026-11-05T00:00:00Z"));
    const v = t.byPeriod.get("aws:us-west-1")!.get("2026-10-01T00:00:00Z")!;
    expect(v).toMatchObject({ source: "watttime:historical", signal: "marginal", note: "" });
    expect(v.kgPerKwh).toBeCloseTo((520.5 * LB_KG) / 1000, 12); // 0.236094828585
  });

  it("gives an hour that hour's mean", async () => {
    fake = await bed.start({ historical: ["CAISO_NORTH"], forecast: [], value: handMade });
    const t = await wattTimeProvider(credentials).resolve([demand("aws", "us-west-1", hours("2026-10-01T02:00:00Z", 3))], context(fake.url, bed.cacheDir, "2026-11-05T00:00:00Z"));
    const byStart = t.byPeriod.get("aws:us-west-1")!;
    expect(byStart.get("2026-10-01T03:00:00Z")!.kgPerKwh).toBeCloseTo((435.5 * LB_KG) / 1000, 12); // 0.197539477135
    expect(byStart.get("2026-10-01T04:00:00Z")!.kgPerKwh).toBeCloseTo((445.5 * LB_KG) / 1000, 12);
  });

  it("counts missing points and falls back for a day without any", async () => {
    const gap = (zone: string, ms: number): number | undefined => {
      if (ms >= Date.parse("2026-10-02T00:00:00Z") && ms < Date.parse("2026-10-02T01:00:00Z")) return undefined; // 12 points
      if (ms >= Date.parse("2026-10-03T00:00:00Z") && ms < Date.parse("2026-10-04T00:00:00Z")) return undefined; // a whole day
      return handMade(zone, ms);
    };
    fake = await bed.start({ historical: ["CAISO_NORTH"], forecast: [], value: gap });
    const t = await wattTimeProvider(credentials).resolve([demand("aws", "us-west-1", days("2026-10-01", 4))], context(fake.url, bed.cacheDir, "2026-11-05T00:00:00Z"));
    const byStart = t.byPeriod.get("aws:us-west-1")!;
    expect(byStart.get("2026-10-02T00:00:00Z")).toMatchObject({ source: "watttime:historical", note: "12 of 288 points missing" });
    const empty = byStart.get("2026-10-03T00:00:00Z")!;
    expect(empty.source).toMatch(/^fallback:watttime-annual-marginal@\d{4}$/);
    expect(empty.note).toContain("no WattTime data for this period");
    expect(t.provenance[0]).toMatchObject({ source: "watttime:historical" });
    expect(t.provenance[0]!.note).toContain("12 of 864 points missing");
  });

  it("uses the current MOER only for periods after the last published point", async () => {
    fake = await bed.start({
      historical: ["CAISO_NORTH"],
      forecast: ["CAISO_NORTH"],
      publishedUntilMs: Date.parse("2026-11-05T08:00:00Z"),
      current: { startMs: Date.parse("2026-11-05T09:00:00Z"), value: 1000 },
    });
    const t = await wattTimeProvider(credentials).resolve([demand("aws", "us-west-1", hours("2026-11-05T07:00:00Z", 3))], context(fake.url, bed.cacheDir, "2026-11-05T09:30:00Z"));
    const byStart = t.byPeriod.get("aws:us-west-1")!;
    expect(byStart.get("2026-11-05T07:00:00Z")!.source).toBe("watttime:historical");
    expect(byStart.get("2026-11-05T08:00:00Z")).toMatchObject({ source: "watttime:current", kgPerKwh: LB_KG });
    expect(byStart.get("2026-11-05T09:00:00Z")!.source).toBe("watttime:current");
    expect(t.requests.forecast).toBe(1);
    expect(fake.log.find((r) => r.path === "/v3/forecast")!.query.get("horizon_hours")).toBe("0");
  });

  it("does not give a past day today's value when historical data is not in the plan", async () => {
    fake = await bed.start({ historical: [], forecast: ["CAISO_NORTH"], current: { startMs: Date.parse("2026-11-05T09:00:00Z"), value: 1000 } });
    const t = await wattTimeProvider(credentials).resolve([demand("aws", "us-west-1", days("2026-10-01", 2))], context(fake.url, bed.cacheDir, "2026-11-05T09:30:00Z"));
    const v = t.byPeriod.get("aws:us-west-1")!.get("2026-10-01T00:00:00Z")!;
    expect(v.source).toMatch(/^fallback:/);
    expect(v.note).toContain("historical data not in plan");
    expect(fake.count("/v3/historical") + fake.count("/v3/forecast")).toBe(0);
  });

  it("takes an answer holding a MOER above 3000 lbs/MWh as a failed call: the zone's fallback, a failures line", async () => {
    fake = await bed.start({ historical: ["CAISO_NORTH"], forecast: [], value: (_z, ms) => (ms === Date.parse("2026-10-01T05:00:00Z") ? 3500 : 800) });
    const t = await wattTimeProvider(credentials).resolve([demand("aws", "us-west-1", days("2026-10-01", 1))], context(fake.url, bed.cacheDir, "2026-11-05T00:00:00Z"));
    expect(t.failures).toEqual(["WattTime CAISO_NORTH: historical: MOER 3500 lbs/MWh at 2026-10-01T05:00:00.000Z is not plausible (a grid's is above 0 and at most 3000)"]);
    expect(t.byRegion.get("aws:us-west-1")).toMatchObject({ source: expect.stringMatching(/^fallback:/), note: "WattTime request failed" });
    expect(t.byPeriod.has("aws:us-west-1")).toBe(false);
  });
});

describe("WattTime provider: zones", () => {
  it("looks a zone up from coordinates once when the region has no WattTime code", async () => {
    fake = await bed.start({ historical: ["AESO"], forecast: [], regionFromLoc: () => "AESO" });
    const t = await wattTimeProvider(credentials).resolve([demand("aws", "ca-west-1", days("2026-10-01", 2))], context(fake.url, bed.cacheDir, "2026-11-05T00:00:00Z"));
    expect(fake.count("/v3/region-from-loc")).toBe(1);
    const q = fake.log.find((r) => r.path === "/v3/region-from-loc")!.query;
    expect([q.get("latitude"), q.get("signal_type")]).toEqual(["51.0456", "co2_moer"]);
    expect(t.provenance[0]).toMatchObject({ zone: "AESO", source: "watttime:historical" });
  });
});
