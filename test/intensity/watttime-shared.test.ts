import { describe, expect, it } from "vitest";
import type { IntensityTable } from "../../src/intensity/types.js";
import { wattTimeProvider } from "../../src/intensity/watttime/index.js";
import { ZONE_CONCURRENCY } from "../../src/intensity/watttime/session.js";
import type { FakeWattTime } from "../fakes/watttime.js";
import { context, credentials, days, demand, hours, wattTimeTestBed } from "./watttime-setup.js";

/**
 * The CLI resolves each billing provider's regions as soon as that provider answers: several resolve calls,
 * possibly at once, on one provider instance. They must share the login, my-access and every zone-day request.
 */
let fake: FakeWattTime;
const bed = wattTimeTestBed("ct-wt-shared-");

const NOW = "2026-11-05T09:00:00Z";
const sum = (...tables: IntensityTable[]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const t of tables) for (const [k, n] of Object.entries(t.requests)) out[k] = (out[k] ?? 0) + n;
  return out;
};
const aws = (region: string) => demand("aws", region, days("2026-10-01", 30));

describe("WattTime provider: concurrent resolve calls on one instance", () => {
  // ZAF, HKG, JP_TK, KOR, JP_KN, PJM_DC for the first; KOR, JP_KN, IND, SGP, NEM_NSW, PJM_DC for the second.
  const first = () => [aws("af-south-1"), aws("ap-east-1"), aws("ap-northeast-1"), aws("ap-northeast-2"), aws("ap-northeast-3"), aws("us-east-1")];
  const second = () => [
    aws("ap-northeast-2"),
    aws("ap-northeast-3"),
    aws("ap-south-1"),
    aws("ap-southeast-1"),
    aws("ap-southeast-2"),
    demand("azure", "eastus", days("2026-10-01", 30)),
    aws("us-east-1"),
  ];
  const ZONES = ["ZAF", "HKG", "JP_TK", "KOR", "JP_KN", "IND", "SGP", "NEM_NSW", "PJM_DC"];

  it("log in once, read my-access once, fetch each zone once, and each answer only its own demands", async () => {
    fake = await bed.start({ historical: ZONES, forecast: [], historicalDelayMs: 500 });
    const provider = wattTimeProvider(credentials);
    const [a, b] = await Promise.all([provider.resolve(first(), context(fake.url, bed.cacheDir, NOW)), provider.resolve(second(), context(fake.url, bed.cacheDir, NOW))]);

    expect([fake.count("/login"), fake.count("/v3/my-access")]).toEqual([1, 1]);
    const asked = fake.log.filter((r) => r.path === "/v3/historical").map((r) => r.query.get("region"));
    expect(asked.sort()).toEqual([...ZONES].sort());
    // Summing the tables gives what went over the wire: each request is counted by the call that sent it.
    expect(sum(a, b)).toEqual({ login: 1, "my-access": 1, historical: 9 });
    // One limit across both calls: zones are fetched side by side, never more than the limit at once. (How many
    // overlap exactly depends on how fast a loaded machine sends them, so only the bounds are asserted.)
    expect(fake.maxConcurrentHistorical()).toBeGreaterThan(1);
    expect(fake.maxConcurrentHistorical()).toBeLessThanOrEqual(ZONE_CONCURRENCY);

    expect(a.failures.concat(b.failures)).toEqual([]);
    expect(a.provenance.map((p) => p.key)).toEqual(first().map((d) => d.key));
    expect(b.provenance.map((p) => p.key)).toEqual(second().map((d) => d.key));
    expect([...a.byPeriod.keys()]).toEqual(first().map((d) => d.key));
    expect([...b.byPeriod.keys()]).toEqual(second().map((d) => d.key));
    expect([...a.provenance, ...b.provenance].every((p) => p.source === "watttime:historical")).toBe(true);

    // The same values a single call on a fresh instance, with no cache, gives.
    const alone = await wattTimeProvider(credentials).resolve([...first(), ...second().slice(0, 6)], context(fake.url, null, NOW));
    for (const t of [a, b]) for (const [key, values] of t.byPeriod) expect(values).toEqual(alone.byPeriod.get(key));
  });

  it("share a failed request: both fall back with the reason, and nobody waits for ever", async () => {
    fake = await bed.start({ historical: ["PJM_DC"], forecast: [], historicalDelayMs: 20 });
    for (let i = 0; i < 3; i++) fake.inject("/v3/historical", 500, '{"error":"Internal Server Error"}');
    const provider = wattTimeProvider(credentials);
    const [a, b] = await Promise.all([
      provider.resolve([aws("us-east-1")], context(fake.url, bed.cacheDir, NOW)),
      provider.resolve([demand("azure", "eastus", days("2026-10-01", 30))], context(fake.url, bed.cacheDir, NOW)),
    ]);
    expect(fake.count("/v3/historical")).toBe(3);
    expect(sum(a, b)).toEqual({ login: 1, "my-access": 1, historical: 3 });
    for (const t of [a, b]) {
      expect(t.failures).toEqual(["WattTime PJM_DC: historical: HTTP 500 after 3 attempts"]);
      expect(t.provenance[0]).toMatchObject({ zone: "PJM_DC", note: "WattTime request failed" });
    }
  });

  it("ask the current value once per zone", async () => {
    fake = await bed.start({
      historical: ["CAISO_NORTH"],
      forecast: ["CAISO_NORTH"],
      publishedUntilMs: Date.parse("2026-11-05T08:00:00Z"),
      current: { startMs: Date.parse("2026-11-05T09:00:00Z"), value: 1000 },
    });
    const provider = wattTimeProvider(credentials);
    const ctx = () => context(fake!.url, bed.cacheDir, "2026-11-05T09:30:00Z");
    const [a, b] = await Promise.all([
      provider.resolve([demand("aws", "us-west-1", hours("2026-11-05T07:00:00Z", 3))], ctx()),
      provider.resolve([demand("aws", "us-west-1", hours("2026-11-05T08:00:00Z", 2))], ctx()),
    ]);
    expect(sum(a, b)).toEqual({ login: 1, "my-access": 1, historical: 1, forecast: 1 });
    expect(a.byPeriod.get("aws:us-west-1")!.get("2026-11-05T08:00:00Z")).toEqual(b.byPeriod.get("aws:us-west-1")!.get("2026-11-05T08:00:00Z"));
    expect(b.byPeriod.get("aws:us-west-1")!.get("2026-11-05T09:00:00Z")!.source).toBe("watttime:current");
  });

  it("send nothing for a later call on zone-days an earlier call loaded, even with no disk cache", async () => {
    fake = await bed.start({ historical: ["PJM_DC", "CAISO_NORTH"], forecast: [] });
    const provider = wattTimeProvider(credentials);
    await provider.resolve([aws("us-east-1"), aws("us-west-1")], context(fake.url, null, NOW));
    const sent = fake.log.length;
    const later = await provider.resolve([demand("azure", "eastus", days("2026-10-10", 10))], context(fake.url, null, NOW));
    expect(fake.log.length).toBe(sent);
    expect(later.requests).toEqual({});
    expect(later.provenance[0]).toMatchObject({ key: "azure:eastus", zone: "PJM_DC", source: "watttime:historical" });
  });

  // A run starts the login and my-access with the providers' paging (IntensityProvider.prepare), not after it.
  it("start the login and my-access at prepare, count them in the first call's table, and send them once", async () => {
    fake = await bed.start({ historical: ZONES, forecast: [] });
    const provider = wattTimeProvider(credentials);
    provider.prepare!(context(fake.url, bed.cacheDir, NOW));
    // Nothing else runs meanwhile: the early requests go out on their own (polled, no timing assumed).
    while (fake.count("/v3/my-access") === 0) await new Promise((r) => setTimeout(r, 20));
    const [a, b] = await Promise.all([provider.resolve(first(), context(fake.url, bed.cacheDir, NOW)), provider.resolve(second(), context(fake.url, bed.cacheDir, NOW))]);
    expect([fake.count("/login"), fake.count("/v3/my-access")]).toEqual([1, 1]);
    expect(sum(a, b)).toEqual({ login: 1, "my-access": 1, historical: 9 });
    expect(a.failures.concat(b.failures)).toEqual([]);
  });

  it("send nothing at prepare when the cache holds the plan's answer", async () => {
    fake = await bed.start({ historical: ZONES, forecast: [] });
    await wattTimeProvider(credentials).resolve(first(), context(fake.url, bed.cacheDir, NOW));
    const before = fake.log.length;
    const provider = wattTimeProvider(credentials);
    provider.prepare!(context(fake.url, bed.cacheDir, NOW));
    const again = await provider.resolve(first(), context(fake.url, bed.cacheDir, NOW));
    expect(fake.log.length).toBe(before);
    expect(again.requests).toEqual({});
  });

  // The CLI gives the run's window: calls for different providers' days of one zone then share one request per block.
  it("fetch a zone's days once per 32-day block of the run's window, however the calls split them", async () => {
    fake = await bed.start({ historical: ZONES, forecast: [] });
    const provider = wattTimeProvider(credentials);
    const ctx = { ...context(fake.url, bed.cacheDir, NOW), window: { startMs: Date.parse("2026-10-01T00:00:00Z"), endMs: Date.parse("2026-11-03T00:00:00Z") } };
    const early = [demand("aws", "us-east-1", days("2026-10-02", 3)), demand("aws", "ap-south-1", days("2026-10-05", 2))];
    const late = [demand("azure", "eastus", days("2026-10-20", 5)), demand("aws", "ap-south-1", days("2026-10-28", 2))];
    const tables = await Promise.all([provider.resolve(early, ctx), provider.resolve(late, ctx)]);
    const asked = fake.log.filter((r) => r.path === "/v3/historical").map((r) => [r.query.get("region"), r.query.get("start"), r.query.get("end")]);
    // A 33-day window, but every day asked lies in its first 32-day block: one request per zone (PJM_DC, IND).
    expect(asked.sort()).toEqual(
      [
        ["IND", "2026-10-01T00:00:00.000Z", "2026-11-02T00:00:00.000Z"],
        ["PJM_DC", "2026-10-01T00:00:00.000Z", "2026-11-02T00:00:00.000Z"],
      ].sort(),
    );
    expect(tables.flatMap((t) => t.failures)).toEqual([]);
    expect(tables.flatMap((t) => t.provenance).every((p) => p.source === "watttime:historical")).toBe(true);
  });
});
