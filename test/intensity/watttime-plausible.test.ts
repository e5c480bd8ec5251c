import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { wattTimeProvider } from "../../src/intensity/watttime/index.js";
import { runCli } from "../helpers/run-cli.js";
import { startFakeWattTime, type FakeWattTime } from "../fakes/watttime.js";
import { context, credentials, days, demand, wattTimeTestBed } from "./watttime-setup.js";

/**
 * Cache trust (issue 13): a MOER is a grid's only when it is above 0 and at most 3,000 lbs/MWh (or
 * CARBON_TRACK_MAX_MOER_LBS_PER_MWH). A cached day holding anything else is removed and fetched again, never used;
 * a live answer holding one is a failed call for its zone (documented fallback, a failures line).
 */

let fake: FakeWattTime;
const bed = wattTimeTestBed("ct-wt-plausible-");

// Days a month back are settled: once cached, a rerun asks nothing for them unless the file is distrusted.
const NOW = "2026-11-05T00:00:00Z";
const ZONE = "CAISO_NORTH";
const demands = () => [demand("aws", "us-west-1", days("2026-10-01", 3))];
const dayFile = (day: string): string => path.join(bed.cacheDir, "watttime", "co2_moer", ZONE, `${day}.json`);
const run = (env: Record<string, string> = {}) => {
  const ctx = context(fake.url, bed.cacheDir, NOW);
  return wattTimeProvider(credentials).resolve(demands(), { ...ctx, env: { ...ctx.env, ...env } });
};
const historical = () => fake.log.filter((r) => r.path === "/v3/historical");

/** Rewrites the 11th point of a cached day, as text: JSON cannot hold NaN, so some tampering is textual. */
function tamper(day: string, value: string): void {
  const file = JSON.parse(readFileSync(dayFile(day), "utf8")) as { points: [number, unknown][] };
  file.points[10]![1] = "__TAMPERED__";
  writeFileSync(dayFile(day), JSON.stringify(file).replace('"__TAMPERED__"', value));
}

const pointOf = (day: string, i: number): unknown => (JSON.parse(readFileSync(dayFile(day), "utf8")) as { points: [number, unknown][] }).points[i]![1];

describe("cached MOER points that no grid has are fetched again, never used", () => {
  const numbers: [string, string][] = [
    ["negative (-5000)", "-5000"],
    ["slightly negative (-0.5)", "-0.5"],
    ["zero", "0"],
    ["absurd (1e9)", "1e9"],
    ["just above the bound (3000.5)", "3000.5"],
  ];
  it.each(numbers)("a cached %s: a warning, the day asked for again, the file replaced, the published value used", async (_name, value) => {
    fake = await bed.start({ historical: [ZONE], forecast: [] });
    const cold = await run();
    const good = pointOf("2026-10-02", 10);
    tamper("2026-10-02", value);

    const warm = await run();
    expect(historical()).toHaveLength(2);
    expect(historical()[1]!.query.get("start")).toBe("2026-10-02T00:00:00.000Z");
    expect(historical()[1]!.query.get("end")).toBe("2026-10-03T00:00:00.000Z");
    expect(warm.warnings).toEqual([
      `WattTime cache: ${ZONE} 2026-10-02 held MOER ${Number(value)} lbs/MWh, not plausible (above 0 and at most 3000 expected): the file was removed and the day fetched again`,
    ]);
    expect(warm.failures).toEqual([]);
    expect(warm.byPeriod).toEqual(cold.byPeriod);
    expect(pointOf("2026-10-02", 10)).toBe(good);
  });

  const notNumbers: [string, string][] = [
    ["NaN as a string", '"NaN"'],
    ["null", "null"],
    ["1e999 (Infinity once parsed)", "1e999"],
  ];
  it.each(notNumbers)("a cached %s: the file does not read as a day, which is asked for again", async (_name, value) => {
    fake = await bed.start({ historical: [ZONE], forecast: [] });
    const cold = await run();
    tamper("2026-10-02", value);

    const warm = await run();
    expect(historical()).toHaveLength(2);
    expect(historical()[1]!.query.get("start")).toBe("2026-10-02T00:00:00.000Z");
    expect(warm.failures).toEqual([]);
    expect(warm.byPeriod).toEqual(cold.byPeriod);
    expect(typeof pointOf("2026-10-02", 10)).toBe("number");
  });

  it("when the day cannot be fetched again, the zone takes its documented fallback, with a failures line, and the file is gone", async () => {
    fake = await bed.start({ historical: [ZONE], forecast: [] });
    await run();
    tamper("2026-10-02", "-5000");
    for (let i = 0; i < 5; i++) fake.inject("/v3/historical", 500, '{"error":"down"}');

    const warm = await run();
    expect(warm.failures).toEqual([expect.stringMatching(/^WattTime CAISO_NORTH: historical: HTTP 500/)]);
    expect(warm.byPeriod.has("aws:us-west-1")).toBe(false);
    expect(warm.byRegion.get("aws:us-west-1")).toMatchObject({ source: expect.stringMatching(/^fallback:watttime-annual-marginal@/), note: "WattTime request failed" });
    expect(existsSync(dayFile("2026-10-02"))).toBe(false);
    expect(existsSync(dayFile("2026-10-01"))).toBe(true);
  });

  it("a bound raised with CARBON_TRACK_MAX_MOER_LBS_PER_MWH lets a cached 4000 stand", async () => {
    fake = await bed.start({ historical: [ZONE], forecast: [] });
    await run();
    tamper("2026-10-02", "4000");
    const warm = await run({ CARBON_TRACK_MAX_MOER_LBS_PER_MWH: "5000" });
    expect(historical()).toHaveLength(1);
    expect(warm.warnings).toEqual([]);
    expect(pointOf("2026-10-02", 10)).toBe(4000);
  });
});

describe("a cached zone that is not a zone code", () => {
  it("is a miss: the place is looked up again, and the file rewritten", async () => {
    fake = await bed.start({ historical: ["AESO"], forecast: [], regionFromLoc: () => "AESO" });
    const ds = [demand("aws", "ca-west-1", days("2026-10-01", 1))];
    await wattTimeProvider(credentials).resolve(ds, context(fake.url, bed.cacheDir, NOW));
    const dir = path.join(bed.cacheDir, "watttime", "region-from-loc", "co2_moer");
    const [name] = readdirSync(dir);
    const file = path.join(dir, name!);
    const kept = JSON.parse(readFileSync(file, "utf8")) as { zone: string };
    writeFileSync(file, JSON.stringify({ ...kept, zone: "AESO\u001b]52;c;ZWNobyBoaQ==\u0007" }));

    const t = await wattTimeProvider(credentials).resolve(ds, context(fake.url, bed.cacheDir, NOW));
    expect(fake.count("/v3/region-from-loc")).toBe(2);
    expect(t.provenance.map((p) => p.zone)).toEqual(["AESO"]);
    expect((JSON.parse(readFileSync(file, "utf8")) as { zone: string }).zone).toBe("AESO");
  });
});

describe("live answers holding a MOER no grid has are failed calls", () => {
  const odd = Date.parse("2026-10-02T05:00:00Z");

  it.each([
    ["1e9", 1e9],
    ["-5000", -5000],
    ["0", 0],
  ])("historical %s: the zone's fallback, a failures line naming WattTime and the zone, nothing cached", async (_name, value) => {
    fake = await bed.start({ historical: [ZONE], forecast: [], value: (_z, ms) => (ms === odd ? value : 800) });
    const t = await run();
    expect(t.failures).toEqual([
      `WattTime ${ZONE}: historical: MOER ${value} lbs/MWh at 2026-10-02T05:00:00.000Z is not plausible (a grid's is above 0 and at most 3000)`,
    ]);
    expect(t.byRegion.get("aws:us-west-1")).toMatchObject({ source: expect.stringMatching(/^fallback:/), note: "WattTime request failed" });
    expect(existsSync(dayFile("2026-10-01"))).toBe(false);
  });

  it("a current value of 1e9 is not used for a period after the last published point", async () => {
    fake = await bed.start({ historical: [ZONE], forecast: [ZONE], publishedUntilMs: Date.parse("2026-11-04T00:00:00Z"), current: { startMs: Date.parse("2026-11-04T23:55:00Z"), value: 1e9 } });
    const ctx = context(fake.url, null, NOW);
    const t = await wattTimeProvider(credentials).resolve([demand("aws", "us-west-1", days("2026-11-03", 2))], ctx);
    expect(t.failures).toEqual([expect.stringMatching(/^WattTime CAISO_NORTH: forecast: MOER 1000000000 lbs\/MWh at .* is not plausible/)]);
    expect(t.byPeriod.get("aws:us-west-1")!.get("2026-11-04T00:00:00Z")).toMatchObject({ source: expect.stringMatching(/^fallback:/), note: "not yet published; current value unavailable" });
  });
});

describe("the CLI on an implausible answer or cache file", () => {
  const header = "provider,account,region,instance_type,unit,quantity_hours,period_start,period_end,estimated";
  const csv = [header, "aws,111122223333,us-west-1,g6.12xlarge,instance-hour,24,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false"].join("\n");
  const cli = async (f: FakeWattTime, dir: string) => {
    const env = {
      WATTTIME_API_URL: f.url,
      WATTTIME_USERNAME: credentials.username,
      WATTTIME_PASSWORD: credentials.password,
      XDG_CACHE_HOME: path.join(dir, "cache"),
      CARBON_TRACK_TIMEOUT_MS: "2000",
      CARBON_TRACK_RETRY_BASE_MS: "10",
    };
    return runCli(["--input", path.join(dir, "u.csv"), "--intensity", "watttime", "--signal", "marginal", "--format", "csv"], { env, cwd: dir, timeoutMs: 30_000 });
  };

  it("a live 1e9: exit 3, one error line naming WattTime and the zone, the row kept on the fallback", async () => {
    const f = await startFakeWattTime({ value: (_z, ms) => (ms === Date.parse("2026-10-01T05:00:00Z") ? 1e9 : 800) });
    const dir = mkdtempSync(path.join(tmpdir(), "ct-wt-plausible-cli-"));
    try {
      writeFileSync(path.join(dir, "u.csv"), csv);
      const res = await cli(f, dir);
      expect(res.code, res.stderr).toBe(3);
      expect(res.stderr.split("\n").filter((l) => l.startsWith("error:"))).toEqual([
        "error: WattTime CAISO_NORTH: historical: MOER 1000000000 lbs/MWh at 2026-10-01T05:00:00.000Z is not plausible (a grid's is above 0 and at most 3000)",
      ]);
      const rows = parse(res.stdout, { columns: true }) as Record<string, string>[];
      expect(rows.map((r) => [(r.intensity_source ?? "").replace(/@\d+$/, ""), r.intensity_note])).toEqual([["fallback:watttime-annual-marginal", "WattTime request failed"]]);
    } finally {
      await f.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a tampered cache file: exit 0, a warning, the published value in the output", async () => {
    const f = await startFakeWattTime({ value: () => 1000 });
    const dir = mkdtempSync(path.join(tmpdir(), "ct-wt-plausible-cli-"));
    try {
      writeFileSync(path.join(dir, "u.csv"), csv);
      expect((await cli(f, dir)).code).toBe(0);
      const file = path.join(dir, "cache", "carbon-track", "watttime", "co2_moer", ZONE, "2026-10-01.json");
      const day = JSON.parse(readFileSync(file, "utf8")) as { points: [number, number][] };
      for (const p of day.points) p[1] = -5000;
      writeFileSync(file, JSON.stringify(day));

      const res = await cli(f, dir);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stderr).toContain("warning: WattTime cache: CAISO_NORTH 2026-10-01 held MOER -5000 lbs/MWh, not plausible");
      const rows = parse(res.stdout, { columns: true }) as Record<string, string>[];
      expect(rows.map((r) => [r.intensity_source, Number(r.intensity_kg_per_kwh)])).toEqual([["watttime:historical", 0.453592]]);
    } finally {
      await f.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
