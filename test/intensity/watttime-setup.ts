import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach } from "vitest";
import { buildRegions } from "../../src/config/regions.js";
import { silentLogger } from "../../src/log.js";
import type { IntensityContext, Period, RegionDemand } from "../../src/intensity/types.js";
import type { ProviderId } from "../../src/schema.js";
import { startFakeWattTime, type FakeWattTime, type FakeWattTimeOptions } from "../fakes/watttime.js";
import { createRedactor } from "../../src/text/redact.js";

export const regions = buildRegions(JSON.parse(readFileSync(new URL("../../config/regions.json", import.meta.url), "utf8")), undefined, "config/regions.json");
export const DAY_MS = 86_400_000;
export const credentials = { username: "carbon-test", password: "pa55-Word!secret" };

/** Whole UTC days from `since`, `n` of them. */
export function days(since: string, n: number): Period[] {
  const start = Date.parse(`${since}T00:00:00Z`);
  return Array.from({ length: n }, (_, i) => ({
    start: new Date(start + i * DAY_MS).toISOString().replace(".000Z", "Z"),
    end: new Date(start + (i + 1) * DAY_MS).toISOString().replace(".000Z", "Z"),
  }));
}

export function hours(startIso: string, n: number): Period[] {
  const start = Date.parse(startIso);
  return Array.from({ length: n }, (_, i) => ({
    start: new Date(start + i * 3_600_000).toISOString().replace(".000Z", "Z"),
    end: new Date(start + (i + 1) * 3_600_000).toISOString().replace(".000Z", "Z"),
  }));
}

export function demand(provider: ProviderId, region: string, periods: Period[]): RegionDemand {
  return { key: `${provider}:${region}`, region: regions.get(provider, region), periods };
}

export function context(url: string, cacheDir: string | null, now: string, messages: string[] = []): IntensityContext {
  return {
    signal: "marginal",
    env: { WATTTIME_API_URL: url },
    log: { ...silentLogger, verbose: (m) => messages.push(m), warn: (m) => messages.push(m), info: (m) => messages.push(m) },
    abort: new AbortController().signal,
    cacheDir,
    now: new Date(now),
    http: { timeoutMs: 15_000, retryBaseMs: 10, maxAttempts: 3 },
    redactor: createRedactor([]),
  };
}

/** Per test: a fresh cache directory, and the fake the test starts, closed (and the directory removed) after it. */
export function wattTimeTestBed(prefix: string): { readonly cacheDir: string; start(opts?: FakeWattTimeOptions): Promise<FakeWattTime> } {
  let fake: FakeWattTime | null = null;
  let dir = "";
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), prefix));
  });
  afterEach(async () => {
    await fake?.close();
    fake = null;
    await rm(dir, { recursive: true, force: true });
  });
  return {
    get cacheDir() {
      return dir;
    },
    async start(opts) {
      fake = await startFakeWattTime(opts);
      return fake;
    },
  };
}
