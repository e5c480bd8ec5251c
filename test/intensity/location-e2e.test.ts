import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { defaultMix, startFakeEia } from "../fakes/eia.js";
import { startFakeGbCarbon } from "../fakes/gb-carbon.js";
import type { LoopbackFake } from "../fakes/grid-common.js";
import { lifecycleKgPerKwh, storageCodes } from "../../src/intensity/location/lifecycle-factors.js";

const header = "provider,account,region,instance_type,unit,quantity_hours,period_start,period_end,estimated,cost,currency";
const EIA_KEY = "eia-Test-Key-0123456789abcdef";

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));
}

/** The built CLI (npm run build first) with the location-based sources pointed at loopback fakes. */
describe("carbon-track with hourly location-based signals", () => {
  let eia: LoopbackFake;
  let gb: LoopbackFake;
  let dir: string;
  let input: string;
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    EIA_API_KEY: EIA_KEY,
    CARBON_TRACK_EIA_URL: eia.url,
    CARBON_TRACK_GB_CARBON_URL: gb.url,
    XDG_CACHE_HOME: join(dir, "cache"),
    CARBON_TRACK_TIMEOUT_MS: "1500",
    CARBON_TRACK_RETRY_BASE_MS: "10",
    ...extra,
  });

  beforeAll(async () => {
    eia = await startFakeEia();
    gb = await startFakeGbCarbon();
    dir = mkdtempSync(join(tmpdir(), "ct-loc-e2e-"));
    input = join(dir, "usage.csv");
    writeFileSync(
      input,
      [
        header,
        "aws,111122223333,us-east-1,g6.12xlarge,instance-hour,24,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false,,",
        "aws,111122223333,eu-west-2,g6.12xlarge,instance-hour,24,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false,,",
        "aws,111122223333,eu-north-1,g6.12xlarge,instance-hour,24,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false,,",
      ].join("\n"),
    );
  });
  afterAll(async () => {
    await eia.close();
    await gb.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives every row both figures, each recomputing from the row's own columns; the totals are never added", async () => {
    const res = await runCli(["--input", input, "--since", "2026-10-01", "--until", "2026-10-01", "--format", "json", "--no-cache"], { env: env() });
    expect(res.code, res.stderr).toBe(0);
    const doc = JSON.parse(res.stdout);
    expect(doc.options).toMatchObject({ signal: "average", location: "hourly", inventorySignal: "average", decisionSignal: "marginal" });
    const byRegion = Object.fromEntries(doc.records.map((r: Record<string, unknown>) => [r.region, r]));
    const east = byRegion["us-east-1"];
    let sum = 0;
    for (let h = 1; h <= 24; h++) {
      const mix = defaultMix("PJM", Date.parse("2026-10-01T00:00:00Z") + h * 3_600_000);
      let mwh = 0;
      let kg = 0;
      for (const [f, v] of Object.entries(mix)) {
        if (storageCodes.has(f) || v === null) continue;
        mwh += Math.max(0, Number(v));
        kg += Math.max(0, Number(v)) * lifecycleKgPerKwh[f]!;
      }
      sum += kg / mwh;
    }
    // Exact to the JSON's six decimals (location-sources.test.ts checks the mean exactly, in process).
    expect(east.locationKgPerKwh).toBeCloseTo(sum / 24, 6);
    expect(east).toMatchObject({ locationSource: "eia:hourly", locationMatching: "daily", marginalMatching: "annual", intensitySignal: "average" });
    expect(byRegion["eu-west-2"]).toMatchObject({ locationSource: "gb-carbon-intensity:hourly", locationMatching: "daily" });
    expect(byRegion["eu-north-1"]).toMatchObject({ locationMatching: "annual", locationNote: "annual average (ELECTRICITYMAPS_API_KEY not set)" });
    for (const r of doc.records) {
      // The JSON carries the CSV's six decimals: the product of two rounded figures agrees to about 1e-5.
      expect(r.co2eLocationKg).toBeCloseTo(r.facilityEnergyKwh * r.locationKgPerKwh, 4);
      expect(r.co2MarginalKg).toBeCloseTo(r.facilityEnergyKwh * r.marginalKgPerKwh, 4);
      expect(r.co2eKg).toBe(r.co2eLocationKg);
    }
    const t = doc.summary.totals;
    expect(t.co2eKg).toBe(t.co2eLocationKg);
    expect(t.co2eLocationKg).toBeCloseTo(doc.records.reduce((a: number, r: { co2eLocationKg: number }) => a + r.co2eLocationKg, 0), 3);
    expect(t.co2MarginalKg).toBeCloseTo(doc.records.reduce((a: number, r: { co2MarginalKg: number }) => a + r.co2MarginalKg, 0), 3);

    // --signal marginal only changes which figure leads.
    const m = await runCli(["--input", input, "--since", "2026-10-01", "--until", "2026-10-01", "--format", "json", "--signal", "marginal", "--no-cache"], { env: env() });
    const md = JSON.parse(m.stdout);
    expect(md.summary.totals.co2eKg).toBe(md.summary.totals.co2MarginalKg);
    expect(md.summary.totals.co2eLocationKg).toBe(t.co2eLocationKg);
  });

  const cells: [string, (f: { eia: LoopbackFake; gb: LoopbackFake }) => void, RegExp][] = [
    ["EIA answers 5xx", ({ eia }) => eia.inject(...[500, 502, 503, 500].map((status) => ({ status, body: "{}" }))), /location-based signal eia failed for aws:us-east-1: .*HTTP 500 after 4 attempts/],
    ["EIA times out", ({ eia }) => eia.inject(...[1, 2, 3, 4].map(() => ({ status: 200, body: "{}", delayMs: 20_000 }))), /location-based signal eia failed for aws:us-east-1: .*no answer within 1500 ms/],
    ["GB answers 200 with the wrong shape", ({ gb }) => gb.inject({ status: 200, body: JSON.stringify([{ from: "x" }]) }), /location-based signal gb-carbon-intensity failed for aws:eu-west-2: .*an array/],
  ];
  for (const [name, fault, message] of cells) {
    it(`${name}: exit 3 naming the signal, that region on its annual average with the reason, no key anywhere`, async () => {
      fault({ eia, gb });
      const out = join(dir, `out-${name.replace(/\W+/g, "-")}`);
      const res = await runCli(["--input", input, "--since", "2026-10-01", "--until", "2026-10-01", "--out", out, "--stamp", "none", "-v", "--no-cache"], { env: env(), timeoutMs: 60_000 });
      expect(res.code, res.stderr).toBe(3);
      expect(res.stderr).toMatch(message);
      const rows = parse(readFileSync(join(out, "carbon_detail.csv"), "utf8"), { columns: true }) as Record<string, string>[];
      const failed = rows.find((r) => (name.startsWith("GB") ? r.region === "eu-west-2" : r.region === "us-east-1"))!;
      expect(failed.location_source).toMatch(/^fallback:electricitymaps-annual-average@\d{4}$/);
      expect(failed.location_note).toMatch(/ failed: /);
      expect(failed.location_matching).toBe("annual");
      expect(Number(failed.co2e_location_kg)).toBeGreaterThan(0);
      for (const text of [res.stdout, res.stderr, ...files(out).map((f) => readFileSync(f, "utf8"))]) expect(text).not.toContain(EIA_KEY);
    }, 90_000);
  }

  it("the demo shows both totals, names which is the inventory figure and explains the difference in one line", async () => {
    const res = await runCli(["--demo", "--since", "2026-10-01", "--until", "2026-10-30", "--out", join(dir, "demo-out")]);
    expect(res.code).toBe(0);
    const inventory = /^Location-based CO2e \(inventory figure: GHG Protocol Scope 3 cat\. 1\): ([\d,.]+) kg/m.exec(res.stdout);
    const decision = /^Marginal CO2 \(WattTime MOER, CO2 only: for decisions, never an inventory line\): ([\d,.]+) kg/m.exec(res.stdout);
    expect(inventory && decision).toBeTruthy();
    expect(Number(inventory![1]!.replaceAll(",", ""))).toBeLessThan(Number(decision![1]!.replaceAll(",", "")));
    expect(res.stdout.split("\n").filter((l) => /Sweden: about 0\.025 kg\/kWh average, 0\.79 marginal/.test(l))).toHaveLength(1);
    expect(res.stdout).toMatch(/ranked by marginal CO2/);
    expect(res.stdout).toMatch(/Location CO2e Δ kg/);
  });

  it("caches complete days: a second run sends nothing, and the cache holds no key", async () => {
    const args = ["--input", input, "--since", "2026-10-01", "--until", "2026-10-01", "--format", "csv"];
    const first = await runCli(args, { env: env() });
    expect(first.code, first.stderr).toBe(0);
    const sent = eia.log.length + gb.log.length;
    const again = await runCli(args, { env: env() });
    expect(again.code).toBe(0);
    expect(eia.log.length + gb.log.length).toBe(sent);
    expect(again.stdout).toBe(first.stdout);
    for (const f of files(join(dir, "cache"))) expect(readFileSync(f, "utf8")).not.toContain(EIA_KEY);
  });
});
