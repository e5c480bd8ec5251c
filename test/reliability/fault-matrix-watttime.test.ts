import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeWattTime, type FakeWattTime } from "../fakes/watttime.js";
import { runCli } from "../helpers/run-cli.js";
import { array200, cellBoundMs, drip, empty200, hang, html200, malformedJson, oversized, truncate, wrongShape200 } from "./billing-cells.js";
import { fastPolicy, scratch, testTimeoutMs } from "./billing-setups.js";
import { startFaultProxy, type Fault } from "./fault-proxy.js";

/**
 * WattTime behind a fault proxy, with a healthy billing source (an --input file) beside it. A cell recovers
 * (exit 0, every row on a time-matched WattTime value), falls back as documented (exit 0, the reason in
 * intensity_note), or is reported (exit 3, one WattTime line, every row kept on its annual fallback).
 */
interface WattTimeCell {
  name: string;
  /** The path the fault hits: the data call unless said otherwise. */
  path?: string;
  fault: Fault;
  times: number;
  expect: "recovers" | { fallbackNote: string; error?: RegExp };
}

const answer = (status: number, body: string, headers: Record<string, string> = {}): Fault => ({ kind: "answer", status, body, headers });
const failed = (error: RegExp) => ({ fallbackNote: "WattTime request failed", error });

const cells: WattTimeCell[] = [
  { name: "throttling, once", fault: answer(429, '{"error":"Too Many Requests"}', { "retry-after": "0" }), times: 1, expect: "recovers" },
  { name: "throttling, lasting", fault: answer(429, '{"error":"Too Many Requests"}', { "retry-after": "0" }), times: Infinity, expect: failed(/historical: HTTP 429 after 4 attempts/) },
  { name: "throttling that asks for an hour", fault: answer(429, '{"error":"Too Many Requests"}', { "retry-after": "3600" }), times: Infinity, expect: failed(/rate limited, asked to wait 3600 s/) },
  { name: "5xx, once", fault: answer(502, "<html>Bad Gateway</html>"), times: 1, expect: "recovers" },
  { name: "5xx, lasting", fault: answer(500, '{"error":"Internal Server Error"}'), times: Infinity, expect: failed(/historical: HTTP 500 after 4 attempts/) },
  { name: "timeout, once", fault: hang, times: 1, expect: "recovers" },
  { name: "timeout, lasting", fault: hang, times: Infinity, expect: failed(new RegExp(`historical: no answer within ${testTimeoutMs} ms after 4 attempts`)) },
  { name: "malformed JSON body", fault: malformedJson, times: Infinity, expect: failed(/historical: the answer is not JSON/) },
  { name: "truncated body, once", fault: truncate, times: 1, expect: "recovers" },
  { name: "truncated body, lasting", fault: truncate, times: Infinity, expect: failed(/historical: network error or answer cut off after 4 attempts/) },
  { name: "expired token, once (logs in again)", fault: answer(401, '{"error":"Unauthorized","message":"Token expired"}'), times: 1, expect: "recovers" },
  { name: "expired token, lasting", fault: answer(401, '{"error":"Unauthorized","message":"Token expired"}'), times: Infinity, expect: failed(/historical: HTTP 401/) },
  {
    name: "permission error on the region (documented fallback)",
    fault: answer(403, '{"error":"Forbidden","message":"Your account does not have access to this region: CAISO_NORTH"}'),
    times: Infinity,
    expect: { fallbackNote: "not in plan" },
  },
  {
    name: "credentials refused at login",
    path: "/login",
    fault: answer(403, "<html><body>Forbidden</body></html>", { "content-type": "text/html" }),
    times: Infinity,
    expect: { fallbackNote: "WattTime login failed", error: /WattTime: login rejected \(check WATTTIME_USERNAME \/ WATTTIME_PASSWORD\)/ },
  },
  // HTTP 200 that is not a signal-data answer: a failed call (annual fallback, exit 3), never a value.
  { name: "empty 200", fault: empty200, times: Infinity, expect: failed(/historical: HTTP 200 with an empty body/) },
  { name: "wrong-shape 200", fault: wrongShape200, times: Infinity, expect: failed(/historical: unexpected answer \(data: /) },
  { name: "array 200", fault: array200, times: Infinity, expect: failed(/historical: unexpected answer \(body: /) },
  { name: "HTML 200", fault: html200, times: Infinity, expect: failed(/historical: the answer is not JSON/) },
  { name: "answer over 64 MiB", fault: oversized, times: Infinity, expect: failed(/historical: the answer is larger than 64 MiB/) },
  { name: "drip-fed body, once", fault: drip, times: 1, expect: "recovers" },
  { name: "drip-fed body, lasting", fault: drip, times: Infinity, expect: failed(new RegExp(`historical: no answer within ${testTimeoutMs} ms after 4 attempts`)) },
  { name: "login: empty 200", path: "/login", fault: empty200, times: Infinity, expect: { fallbackNote: "WattTime unavailable", error: /^error: WattTime: login: HTTP 200 with an empty body$/ } },
  { name: "login: drip-fed body", path: "/login", fault: drip, times: Infinity, expect: { fallbackNote: "WattTime unavailable", error: new RegExp(`^error: WattTime: login: no answer within ${testTimeoutMs} ms after 4 attempts$`) } },
];

const header = "provider,account,region,instance_type,unit,quantity_hours,period_start,period_end,estimated";
let fake: FakeWattTime;
let input: string;

beforeAll(async () => {
  // 1000 lbs/MWh everywhere: 0.453592 kg/kWh once converted. The free plan reads CAISO_NORTH (aws us-west-1).
  fake = await startFakeWattTime({ value: () => 1000 });
  const dir = scratch("wt-input");
  input = join(dir, "usage.csv");
  writeFileSync(
    input,
    [
      header,
      "aws,111122223333,us-west-1,g6.12xlarge,instance-hour,24,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false",
      "aws,111122223333,us-west-1,g6.12xlarge,instance-hour,12,2026-10-02T00:00:00Z,2026-10-03T00:00:00Z,false",
    ].join("\n"),
  );
});
afterAll(async () => {
  await fake?.close();
});

async function runCell(cell: Pick<WattTimeCell, "path" | "fault" | "times">) {
  const path = cell.path ?? "/v3/historical";
  const proxy = await startFaultProxy(fake.url, { match: (r) => r.path.split("?")[0] === path, fault: cell.fault, times: cell.times });
  try {
    const dir = scratch("wt");
    const cache = join(dir, "cache");
    mkdirSync(cache);
    const env = {
      ...fastPolicy,
      HOME: dir,
      XDG_CACHE_HOME: cache,
      WATTTIME_API_URL: proxy.url,
      WATTTIME_USERNAME: "carbon-test",
      WATTTIME_PASSWORD: "pa55-Word!secret",
    };
    const started = Date.now();
    const result = await runCli(["--input", input, "--since", "2026-10-01", "--until", "2026-10-02", "--intensity", "watttime", "--signal", "marginal", "--format", "csv"], {
      env,
      cwd: dir,
      timeoutMs: cellBoundMs + 15_000,
    });
    // Only MOER days count: a my-access answer that succeeded is rightly cached beside them.
    const dayFiles = join(cache, "carbon-track", "watttime", "co2_moer");
    const cachedDays = existsSync(dayFiles) ? readdirSync(dayFiles, { recursive: true }).filter((f) => String(f).endsWith(".json")) : [];
    return { result, elapsedMs: Date.now() - started, faulted: proxy.faulted, cachedDays };
  } finally {
    await proxy.close();
  }
}

/** Needs the built CLI (npm run build). */
describe("fault matrix: WattTime", () => {
  it.each(cells)("$name", async (cell) => {
    const run = await runCell(cell);
    const why = `${cell.name}\nexit ${run.result.code}\nstderr:\n${run.result.stderr}`;
    expect(run.faulted, `the fault was never injected: ${why}`).toBeGreaterThan(0);
    expect(run.elapsedMs, why).toBeLessThan(cellBoundMs);
    const rows = parse(run.result.stdout, { columns: true }) as Record<string, string>[];
    // Every usage row is reported, whatever the signal did: only its intensity's provenance changes.
    expect(rows.map((r) => Number(r.quantity_hours)), why).toEqual([24, 12]);
    const errors = run.result.stderr.split("\n").filter((l) => l.startsWith("error: "));
    if (cell.expect === "recovers") {
      expect(run.result.code, why).toBe(0);
      expect(errors, why).toEqual([]);
      for (const r of rows) {
        expect(r.intensity_source, why).toBe("watttime:historical");
        expect(Number(r.intensity_kg_per_kwh)).toBeCloseTo(0.453592, 6);
      }
      return;
    }
    for (const r of rows) {
      expect(r.intensity_source, why).toMatch(/^fallback:watttime-annual-marginal@\d{4}$/);
      expect(r.intensity_note, why).toBe(cell.expect.fallbackNote);
    }
    // Nothing from a failed or refused answer is kept for the next run.
    expect(run.cachedDays, why).toEqual([]);
    if (!cell.expect.error) {
      expect(run.result.code, why).toBe(0);
      expect(errors, why).toEqual([]);
      return;
    }
    expect(run.result.code, why).toBe(3);
    expect(errors, why).toHaveLength(1);
    expect(errors[0], why).toMatch(/^error: WattTime/);
    expect(errors[0], why).toMatch(cell.expect.error);
  });
});
