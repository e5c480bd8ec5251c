import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { eiaSource } from "../../src/intensity/location/eia.js";
import { electricityMapsSource } from "../../src/intensity/location/electricity-maps.js";
import { lifecycleKgPerKwh, storageCodes } from "../../src/intensity/location/lifecycle-factors.js";
import { locationProvider } from "../../src/intensity/location/provider.js";
import { hourlySources } from "../../src/intensity/location/registry.js";
import type { IntensityContext } from "../../src/intensity/types.js";
import { silentLogger } from "../../src/log.js";
import { createRedactor } from "../../src/text/redact.js";
import { defaultMix, startFakeEia } from "../fakes/eia.js";
import { startFakeElectricityMaps } from "../fakes/electricity-maps.js";
import { defaultGbActual, startFakeGbCarbon } from "../fakes/gb-carbon.js";
import type { Injected, LoopbackFake } from "../fakes/grid-common.js";
import { days, demand, hours } from "./watttime-setup.js";

const HOUR_MS = 3_600_000;
const EIA_KEY = "eia-Test-Key-0123456789abcdef";
const EM_TOKEN = "em-Test-Token-0123456789";

/** The generation-weighted lifecycle factor of one hour of the fake's mix, computed here independently of the code. */
function hourIntensity(mix: Record<string, number | string | null>): number {
  let mwh = 0;
  let kg = 0;
  for (const [fuel, raw] of Object.entries(mix)) {
    if (storageCodes.has(fuel) || raw === null) continue;
    const g = Math.max(0, Number(raw));
    mwh += g;
    kg += g * lifecycleKgPerKwh[fuel]!;
  }
  return kg / mwh;
}

let dir = "";
const fakes: LoopbackFake[] = [];
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "ct-location-"));
});
afterEach(async () => {
  for (const f of fakes.splice(0)) await f.close();
  await rm(dir, { recursive: true, force: true });
});

function ctx(env: Record<string, string>, opts: { cache?: boolean; now?: string; timeoutMs?: number } = {}): IntensityContext {
  return {
    signal: "average",
    env,
    log: silentLogger,
    abort: new AbortController().signal,
    cacheDir: opts.cache === false ? null : path.join(dir, "cache"),
    now: new Date(opts.now ?? "2026-12-06T12:00:00Z"),
    http: { timeoutMs: opts.timeoutMs ?? 15_000, retryBaseMs: 10, maxAttempts: 3 },
    redactor: createRedactor([EIA_KEY, EM_TOKEN]),
  };
}

describe("EIA v2 hourly fuel mix (EIA-930) × IPCC AR5 factors", () => {
  it("gives a daily row the exact mean of that day's hourly intensities, and an hourly row its own hour (periods labelled by the hour's end)", async () => {
    const fake = await startFakeEia();
    fakes.push(fake);
    const env = { EIA_API_KEY: EIA_KEY, CARBON_TRACK_EIA_URL: fake.url };
    const day = days("2026-10-01", 1);
    const hour = hours("2026-10-02T05:00:00Z", 1);
    const table = await locationProvider([eiaSource]).resolve([demand("aws", "us-east-1", day), demand("gcp", "us-east4", hour)], ctx(env));
    const start = Date.parse("2026-10-01T00:00:00Z");
    let sum = 0;
    for (let h = 1; h <= 24; h++) sum += hourIntensity(defaultMix("PJM", start + h * HOUR_MS));
    const daily = table.byPeriod.get("aws:us-east-1")!.get(day[0]!.start)!;
    expect(daily.kgPerKwh).toBe(sum / 24);
    expect(daily.source).toBe("eia:hourly");
    expect(daily.note).toMatch(/lifecycle CO2e/);
    // 05:00–06:00 UTC is the hour EIA labels T06.
    const hourly = table.byPeriod.get("gcp:us-east4")!.get(hour[0]!.start)!;
    expect(hourly.kgPerKwh).toBe(hourIntensity(defaultMix("PJM", Date.parse("2026-10-02T06:00:00Z"))));
    // Both regions are PJM: one zone, fetched once over the union of their days.
    expect(new Set(fake.log.map((r) => r.query.get("facets[respondent][]")))).toEqual(new Set(["PJM"]));
    expect(table.failures).toEqual([]);
  });

  it("pages through 5,000-row answers, parses string values, leaves storage out (negative charging included)", async () => {
    const fake = await startFakeEia();
    fakes.push(fake);
    const env = { EIA_API_KEY: EIA_KEY, CARBON_TRACK_EIA_URL: fake.url };
    const table = await locationProvider([eiaSource]).resolve([demand("azure", "eastus", days("2026-10-01", 30))], ctx(env, { cache: false }));
    // 30 days × 24 h × 10 fuels = 7,200 rows: two pages.
    expect(fake.log.map((r) => r.query.get("offset"))).toEqual(["0", "5000"]);
    expect(table.requests.eia).toBe(2);
    const periods = table.byPeriod.get("azure:eastus")!;
    expect([...periods.values()].every((v) => v.source === "eia:hourly")).toBe(true);
    // Counting storage as zero-carbon generation would have lowered the figure.
    const first = periods.get("2026-10-01T00:00:00Z")!.kgPerKwh;
    let withStorage = 0;
    for (let h = 1; h <= 24; h++) {
      const mix = defaultMix("PJM", Date.parse("2026-10-01T00:00:00Z") + h * HOUR_MS);
      let mwh = 0;
      let kg = 0;
      for (const [f, v] of Object.entries(mix)) {
        const g = Math.max(0, Number(v));
        mwh += g;
        kg += g * (lifecycleKgPerKwh[f] ?? 0);
      }
      withStorage += kg / mwh / 24;
    }
    expect(first).toBeGreaterThan(withStorage);
  });

  it("falls back per day with the reason: missing hours, and the last day not yet published", async () => {
    const missing = new Set([Date.parse("2026-10-01T10:00:00Z"), Date.parse("2026-10-01T11:00:00Z")]);
    const fake = await startFakeEia({ missingHourEnds: missing, publishedUntilMs: Date.parse("2026-10-03T00:00:00Z") });
    fakes.push(fake);
    const env = { EIA_API_KEY: EIA_KEY, CARBON_TRACK_EIA_URL: fake.url };
    const table = await locationProvider([eiaSource]).resolve([demand("aws", "us-east-1", days("2026-10-01", 3))], ctx(env, { now: "2026-10-03T18:00:00Z" }));
    const p = table.byPeriod.get("aws:us-east-1")!;
    expect(p.get("2026-10-01T00:00:00Z")!.source).toMatch(/^fallback:/);
    expect(p.get("2026-10-01T00:00:00Z")!.note).toMatch(/^eia: 2 of 24 hours missing/);
    expect(p.get("2026-10-02T00:00:00Z")!.source).toBe("eia:hourly");
    expect(p.get("2026-10-03T00:00:00Z")!.note).toMatch(/^eia: not yet published for this period/);
    expect(table.warnings.join("\n")).toMatch(/aws:us-east-1: location-based eia 1 of 3 periods 2 of 24 hours missing/);
    // Only the complete, published day is cached.
    expect(await readdir(path.join(dir, "cache", "location", "eia", "PJM"))).toEqual(["2026-10-02.json"]);
  });

  it("reads complete days from the cache on the next run, and no cache file or message holds the key", async () => {
    const fake = await startFakeEia();
    fakes.push(fake);
    const env = { EIA_API_KEY: EIA_KEY, CARBON_TRACK_EIA_URL: fake.url };
    const ask = () => locationProvider([eiaSource]).resolve([demand("aws", "us-east-1", days("2026-10-01", 2))], ctx(env));
    const first = await ask();
    const sent = fake.log.length;
    const second = await ask();
    expect(fake.log.length).toBe(sent);
    expect(second.requests.eia ?? 0).toBe(0);
    expect([...second.byPeriod.get("aws:us-east-1")!.values()]).toEqual([...first.byPeriod.get("aws:us-east-1")!.values()]);
    for (const f of await readdir(path.join(dir, "cache", "location", "eia", "PJM"))) {
      expect(await readFile(path.join(dir, "cache", "location", "eia", "PJM", f), "utf8")).not.toContain(EIA_KEY);
    }
  });

  const faults: [string, Injected[], RegExp][] = [
    ["HTTP 200 with the wrong shape", [{ status: 200, body: JSON.stringify({ response: { rows: [] } }) }], /not EIA v2 data \(response\.total/],
    ["5xx on every attempt", [500, 502, 503].map((status) => ({ status, body: "{}" })), /HTTP 503 after 3 attempts/],
    ["a timeout on every attempt", [1, 2, 3].map(() => ({ status: 200, body: "{}", delayMs: 10_000 })), /no answer within 1500 ms after 3 attempts/],
    ["a rejected key", [{ status: 403, body: JSON.stringify({ error: { code: "API_KEY_INVALID" } }) }], /HTTP 403/],
  ];
  for (const [name, answers, why] of faults) {
    it(`falls back for the whole region on ${name}, names the signal as a failure and never the key`, async () => {
      const fake = await startFakeEia();
      fakes.push(fake);
      fake.inject(...answers);
      const env = { EIA_API_KEY: EIA_KEY, CARBON_TRACK_EIA_URL: fake.url };
      const table = await locationProvider([eiaSource]).resolve([demand("aws", "us-east-1", days("2026-10-01", 1))], ctx(env, { timeoutMs: 1500 }));
      expect(table.failures).toHaveLength(1);
      expect(table.failures[0]).toMatch(/^location-based signal eia failed for aws:us-east-1: /);
      expect(table.failures[0]).toMatch(why);
      expect(table.failures[0]).not.toContain(EIA_KEY);
      const v = table.byRegion.get("aws:us-east-1")!;
      expect(v.source).toMatch(/^fallback:electricitymaps-annual-average@/);
      expect(v.note).toMatch(/^eia failed: /);
    }, 30_000);
  }

  it("fetches a zone once for batches resolved at the same time (one per billing provider)", async () => {
    const fake = await startFakeEia();
    fakes.push(fake);
    const env = { EIA_API_KEY: EIA_KEY, CARBON_TRACK_EIA_URL: fake.url };
    const provider = locationProvider([eiaSource]);
    const [a, b] = await Promise.all([
      provider.resolve([demand("aws", "us-east-1", days("2026-10-01", 2))], ctx(env, { cache: false })),
      provider.resolve([demand("azure", "eastus", days("2026-10-01", 2))], ctx(env, { cache: false })),
    ]);
    expect(fake.log).toHaveLength(1);
    expect((a.requests.eia ?? 0) + (b.requests.eia ?? 0)).toBe(1);
    expect(b.byPeriod.get("azure:eastus")!.get("2026-10-02T00:00:00Z")).toEqual(a.byPeriod.get("aws:us-east-1")!.get("2026-10-02T00:00:00Z"));
  });

  it("retries a 429 and then uses the answer", async () => {
    const fake = await startFakeEia();
    fakes.push(fake);
    fake.inject({ status: 429, body: "{}", headers: { "retry-after": "0" } });
    const env = { EIA_API_KEY: EIA_KEY, CARBON_TRACK_EIA_URL: fake.url };
    const table = await locationProvider([eiaSource]).resolve([demand("aws", "us-east-1", days("2026-10-01", 1))], ctx(env));
    expect(table.failures).toEqual([]);
    expect(table.byPeriod.get("aws:us-east-1")!.get("2026-10-01T00:00:00Z")!.source).toBe("eia:hourly");
    expect(table.requests.eia).toBe(2);
  });

  it("is not used without EIA_API_KEY: the annual average, saying why", async () => {
    const table = await locationProvider(hourlySources).resolve([demand("aws", "us-east-1", days("2026-10-01", 1))], ctx({}));
    expect(table.byRegion.get("aws:us-east-1")!.note).toBe("annual average (EIA_API_KEY not set)");
    const other = await locationProvider(hourlySources).resolve([demand("aws", "eu-north-1", days("2026-10-01", 1))], ctx({ CARBON_TRACK_GB_CARBON_URL: "http://127.0.0.1:9" }));
    expect(other.byRegion.get("aws:eu-north-1")!.note).toBe("annual average (ELECTRICITYMAPS_API_KEY not set)");
  });
});

describe("GB Carbon Intensity national actuals", () => {
  it("gives a daily row the mean of that day's 48 half-hours and an hourly row the mean of its two", async () => {
    const fake = await startFakeGbCarbon();
    fakes.push(fake);
    const env = { CARBON_TRACK_GB_CARBON_URL: fake.url };
    const day = days("2026-10-01", 1);
    const hour = hours("2026-10-02T07:00:00Z", 1);
    const table = await locationProvider(hourlySources).resolve([demand("aws", "eu-west-2", day), demand("azure", "uksouth", hour)], ctx(env));
    const start = Date.parse("2026-10-01T00:00:00Z");
    let sum = 0;
    for (let i = 0; i < 48; i++) sum += defaultGbActual(start + i * 1_800_000) / 1000;
    const daily = table.byPeriod.get("aws:eu-west-2")!.get(day[0]!.start)!;
    expect(daily.kgPerKwh).toBe(sum / 48);
    expect(daily.source).toBe("gb-carbon-intensity:hourly");
    expect(daily.note).toMatch(/operational CO2 only/);
    const h = Date.parse("2026-10-02T07:00:00Z");
    expect(table.byPeriod.get("azure:uksouth")!.get(hour[0]!.start)!.kgPerKwh).toBe((defaultGbActual(h) / 1000 + defaultGbActual(h + 1_800_000) / 1000) / 2);
    expect(table.failures).toEqual([]);
  });

  it("treats a half-hour with a forecast only as missing, and a wrong shape as a failure", async () => {
    const gap = Date.parse("2026-10-01T12:00:00Z");
    const fake = await startFakeGbCarbon({ actual: (s) => (s === gap ? null : defaultGbActual(s)) });
    fakes.push(fake);
    const env = { CARBON_TRACK_GB_CARBON_URL: fake.url };
    const table = await locationProvider(hourlySources).resolve([demand("gcp", "europe-west2", days("2026-10-01", 2))], ctx(env));
    expect(table.byPeriod.get("gcp:europe-west2")!.get("2026-10-01T00:00:00Z")!.note).toBe("gb-carbon-intensity: 0.5 of 24 hours missing");
    expect(table.byPeriod.get("gcp:europe-west2")!.get("2026-10-02T00:00:00Z")!.source).toBe("gb-carbon-intensity:hourly");

    const broken = await startFakeGbCarbon();
    fakes.push(broken);
    broken.inject({ status: 200, body: JSON.stringify({ data: { from: "x" } }) });
    const failed = await locationProvider(hourlySources).resolve([demand("gcp", "europe-west2", days("2026-10-05", 1))], ctx({ CARBON_TRACK_GB_CARBON_URL: broken.url }, { cache: false }));
    expect(failed.failures[0]).toMatch(/^location-based signal gb-carbon-intensity failed for gcp:europe-west2: .*not Carbon Intensity data/);
    expect(failed.byRegion.get("gcp:europe-west2")!.source).toMatch(/^fallback:/);
  });
});

describe("Electricity Maps past-range", () => {
  it("fails on a refused key (401), naming the signal, never the key", async () => {
    const fake = await startFakeElectricityMaps({ plan: "paid" });
    fakes.push(fake);
    const env = { ELECTRICITYMAPS_API_KEY: "em-Wrong-Token-9876543210", ELECTRICITYMAPS_API_URL: fake.url };
    const table = await locationProvider([electricityMapsSource]).resolve([demand("aws", "eu-north-1", days("2026-10-01", 1))], ctx(env));
    expect(table.failures[0]).toMatch(/^location-based signal electricity-maps failed for aws:eu-north-1: electricity-maps past-range aws:eu-north-1: HTTP 401/);
    expect(table.failures[0]).not.toContain("em-Wrong-Token");
  });

  it("gives hourly lifecycle figures with a key, located by the cloud region, the key in the auth-token header only", async () => {
    const fake = await startFakeElectricityMaps({ plan: "paid" });
    fakes.push(fake);
    const env = { ELECTRICITYMAPS_API_KEY: EM_TOKEN, ELECTRICITYMAPS_API_URL: fake.url };
    const table = await locationProvider([electricityMapsSource]).resolve([demand("aws", "eu-north-1", days("2026-10-01", 1))], ctx(env));
    const v = table.byPeriod.get("aws:eu-north-1")!.get("2026-10-01T00:00:00Z")!;
    let sum = 0;
    for (let h = 0; h < 24; h++) sum += (200 + h) / 1000;
    expect(v.kgPerKwh).toBe(sum / 24);
    expect(v.source).toBe("electricity-maps:hourly");
    expect(fake.log[0]!.query.get("dataCenterProvider")).toBe("aws");
    expect(fake.log[0]!.query.get("dataCenterRegion")).toBe("eu-north-1");
    expect(fake.log[0]!.query.toString()).not.toContain(EM_TOKEN);
  });

  it("reports the free plan's limit as a warning and falls back (not a failure)", async () => {
    const fake = await startFakeElectricityMaps({ plan: "free" });
    fakes.push(fake);
    const env = { ELECTRICITYMAPS_API_KEY: EM_TOKEN, ELECTRICITYMAPS_API_URL: fake.url };
    const table = await locationProvider([electricityMapsSource]).resolve([demand("aws", "eu-north-1", days("2026-10-01", 1))], ctx(env));
    expect(table.failures).toEqual([]);
    expect(table.warnings.join("\n")).toMatch(/electricity-maps .*free tier covers the last 24 h only/);
    expect(table.byRegion.get("aws:eu-north-1")!.note).toMatch(/^electricity-maps: the key's plan has no past-range history/);
  });
});
