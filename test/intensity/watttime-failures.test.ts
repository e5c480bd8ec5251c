import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { IntensityTable } from "../../src/intensity/types.js";
import { wattTimeProvider } from "../../src/intensity/watttime/index.js";
import type { FakeWattTime } from "../fakes/watttime.js";
import { context, credentials, days, demand, wattTimeTestBed } from "./watttime-setup.js";
import { createRedactor } from "../../src/text/redact.js";

let fake: FakeWattTime;
const bed = wattTimeTestBed("ct-wt-");

const NOW = "2026-11-05T09:00:00Z";
const west = () => demand("aws", "us-west-1", days("2026-10-01", 30)); // CAISO_NORTH
const east = () => demand("aws", "us-east-1", days("2026-10-01", 30)); // PJM_DC
const oregon = () => demand("aws", "us-west-2", days("2026-10-01", 30)); // BPA

/** Everything a person or a file could see of a table. */
const visible = (t: IntensityTable, messages: string[]): string =>
  JSON.stringify({ ...t, byPeriod: [...t.byPeriod].map(([k, m]) => [k, [...m]]), byRegion: [...t.byRegion], messages });

describe("WattTime provider: failures and fallbacks", () => {
  it("renews a token that expires mid-run once, and the run succeeds", async () => {
    // Each token serves two data calls: my-access and the first zone; the second zone gets a 401.
    fake = await bed.start({ historical: ["CAISO_NORTH", "PJM_DC", "BPA"], forecast: [], tokenCalls: 2 });
    const t = await wattTimeProvider(credentials).resolve([west(), east(), oregon()], context(fake.url, bed.cacheDir, NOW));
    expect(t.failures).toEqual([]);
    expect(t.provenance.map((p) => p.source)).toEqual(["watttime:historical", "watttime:historical", "watttime:historical"]);
    expect(fake.count("/login")).toBe(2);
  });

  it("falls back for a zone outside the plan without asking for it", async () => {
    fake = await bed.start(); // the free plan: CAISO_NORTH only (fixture my-access-free.json)
    const messages: string[] = [];
    const t = await wattTimeProvider(credentials).resolve([west(), east()], context(fake.url, bed.cacheDir, NOW, messages));
    expect(fake.log.filter((r) => r.query.get("region") === "PJM_DC")).toEqual([]);
    expect(t.failures).toEqual([]);
    expect(t.provenance[1]).toMatchObject({ key: "aws:us-east-1", zone: "PJM_DC", note: "not in plan" });
    expect(t.provenance[1]!.source).toMatch(/^fallback:watttime-annual-marginal@\d{4}$/);
    expect(t.byRegion.get("aws:us-east-1")).toMatchObject({ note: "not in plan" });
    expect(t.byPeriod.has("aws:us-east-1")).toBe(false);
    expect(t.provenance[0]!.source).toBe("watttime:historical");
  });

  it("treats a 403 JSON answer on historical as not in plan, without retrying", async () => {
    fake = await bed.start({ historical: ["CAISO_NORTH"], forecast: [] });
    fake.inject("/v3/historical", 403, await readFile(new URL("../fixtures/watttime/scope-forbidden.json", import.meta.url), "utf8"));
    const t = await wattTimeProvider(credentials).resolve([west()], context(fake.url, bed.cacheDir, NOW));
    expect(fake.count("/v3/historical")).toBe(1);
    expect(t.failures).toEqual([]);
    expect(t.provenance[0]).toMatchObject({ note: "not in plan" });
  });

  it("fails fast on wrong credentials: one failures line, static fallback everywhere", async () => {
    fake = await bed.start();
    const messages: string[] = [];
    const wrong = { username: credentials.username, password: "not-the-Password-42" };
    const t = await wattTimeProvider(wrong).resolve([west(), east()], context(fake.url, bed.cacheDir, NOW, messages));
    expect(t.failures).toEqual(["WattTime: login rejected (check WATTTIME_USERNAME / WATTTIME_PASSWORD)"]);
    expect(fake.count("/login")).toBe(1);
    expect(fake.log).toHaveLength(1);
    expect(t.provenance.map((p) => p.note)).toEqual(["WattTime login failed", "WattTime login failed"]);
    expect(t.provenance.every((p) => p.source.startsWith("fallback:"))).toBe(true);
    expect(visible(t, messages)).not.toContain(wrong.password);
  });

  it("waits out a 429 as Retry-After says, then goes on", async () => {
    fake = await bed.start({ historical: ["CAISO_NORTH"], forecast: [] });
    fake.inject("/v3/historical", 429, '{"error":"Too Many Requests"}', { "retry-after": "0" });
    const t = await wattTimeProvider(credentials).resolve([west()], context(fake.url, bed.cacheDir, NOW));
    expect(t.failures).toEqual([]);
    expect(t.requests.historical).toBe(2);
    expect(t.provenance[0]!.source).toBe("watttime:historical");
  });

  it("gives up on a Retry-After longer than a minute: that zone falls back", async () => {
    fake = await bed.start({ historical: ["CAISO_NORTH"], forecast: [] });
    fake.inject("/v3/historical", 429, '{"error":"Too Many Requests"}', { "retry-after": "300" });
    const t = await wattTimeProvider(credentials).resolve([west()], context(fake.url, bed.cacheDir, NOW));
    expect(t.failures).toEqual(["WattTime CAISO_NORTH: historical: rate limited, asked to wait 300 s"]);
    expect(t.provenance[0]).toMatchObject({ note: "WattTime request failed" });
  });

  it("retries 5xx with backoff and names the zone when attempts run out", async () => {
    fake = await bed.start({ historical: ["CAISO_NORTH", "PJM_DC"], forecast: [] });
    fake.inject("/v3/historical", 503, "<html>busy</html>");
    const ok = await wattTimeProvider(credentials).resolve([west()], context(fake.url, bed.cacheDir, NOW));
    expect(ok.failures).toEqual([]);
    expect(ok.requests.historical).toBe(2);

    for (let i = 0; i < 3; i++) fake.inject("/v3/historical", 500, '{"error":"Internal Server Error"}');
    const bad = await wattTimeProvider(credentials).resolve([east()], context(fake.url, null, NOW));
    expect(bad.failures).toEqual(["WattTime PJM_DC: historical: HTTP 500 after 3 attempts"]);
    expect(bad.provenance[0]!.source).toMatch(/^fallback:/);
  });

  it("turns a malformed body into a failure for that zone only", async () => {
    fake = await bed.start({ historical: ["CAISO_NORTH", "PJM_DC"], forecast: [] });
    fake.inject("/v3/historical", 200, '{"data": [{"point_time": "2026-10-01T00:00:00+00:00", "value": 81');
    const t = await wattTimeProvider(credentials).resolve([west(), east()], context(fake.url, bed.cacheDir, NOW));
    expect(t.failures).toHaveLength(1);
    expect(t.failures[0]).toMatch(/^WattTime (CAISO_NORTH|PJM_DC): historical: the answer is not JSON$/);
    expect(t.provenance.map((p) => p.source.split(":")[0]).sort()).toEqual(["fallback", "watttime"]);
  });

  it("refuses values in other units than lbs_co2_per_mwh", async () => {
    fake = await bed.start({ historical: ["CAISO_NORTH"], forecast: [] });
    const body = { data: [{ point_time: "2026-10-01T00:00:00+00:00", value: 0.4 }], meta: { units: "kg_co2_per_mwh", data_point_period_seconds: 300, warnings: [] } };
    fake.inject("/v3/historical", 200, JSON.stringify(body));
    const t = await wattTimeProvider(credentials).resolve([west()], context(fake.url, bed.cacheDir, NOW));
    expect(t.failures).toEqual(['WattTime CAISO_NORTH: historical: units "kg_co2_per_mwh", expected lbs_co2_per_mwh']);
  });

  it("keeps the password and tokens out of every message, note and cache file", async () => {
    fake = await bed.start({ historical: ["CAISO_NORTH", "PJM_DC"], forecast: [], tokenCalls: 2 });
    fake.inject("/v3/historical", 500, '{"error":"x"}');
    const messages: string[] = [];
    const t = await wattTimeProvider(credentials).resolve([west(), east()], context(fake.url, bed.cacheDir, NOW, messages));
    const tokens = fake.log.map((r) => /^Bearer (.+)$/.exec(r.authorization)?.[1]).filter((x): x is string => !!x);
    expect(tokens.length).toBeGreaterThan(0);
    const files = (await readdir(bed.cacheDir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile());
    const texts = [visible(t, messages), ...(await Promise.all(files.map((f) => readFile(path.join(f.parentPath, f.name), "utf8"))))];
    for (const text of texts) for (const secret of [credentials.password, ...tokens]) expect(text).not.toContain(secret);
  });
});

describe("WattTime client: token lifetime", () => {
  it("logs in again before a token's 30 minutes run out, on the run's clock", async () => {
    const { wattTimeClient } = await import("../../src/intensity/watttime/client.js");
    fake = await bed.start();
    let nowMs = Date.parse(NOW);
    const requests: Record<string, number> = {};
    const client = wattTimeClient({
      baseUrl: fake.url,
      credentials,
      http: { timeoutMs: 15_000, retryBaseMs: 10, maxAttempts: 3 },
      abort: new AbortController().signal,
      clock: () => nowMs,
      redactor: createRedactor([]),
    });
    await client.getJson("/v3/my-access", {}, "my-access", requests);
    nowMs += 20 * 60_000;
    await client.getJson("/v3/my-access", {}, "my-access", requests);
    expect(requests.login).toBe(1);
    nowMs += 6 * 60_000;
    await client.getJson("/v3/my-access", {}, "my-access", requests);
    expect(requests).toEqual({ login: 2, "my-access": 3 });
  });
});
