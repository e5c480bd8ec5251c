import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { startFakeWattTime, type FakeWattTime } from "../fakes/watttime.js";

const header = "provider,account,region,instance_type,unit,quantity_hours,period_start,period_end,estimated,cost,currency";
const PASSWORD = "pa55-Word!secret";

/** Runs the built CLI (npm run build first) on a usage CSV with WattTime pointed at the loopback fake. */
describe("carbon-track --input … --intensity watttime", () => {
  let fake: FakeWattTime;
  let dir: string;
  let input: string;
  const env = (extra: Record<string, string> = {}): Record<string, string> => ({
    WATTTIME_API_URL: fake.url,
    WATTTIME_USERNAME: "carbon-test",
    WATTTIME_PASSWORD: PASSWORD,
    XDG_CACHE_HOME: join(dir, "cache"),
    CARBON_TRACK_TIMEOUT_MS: "2000",
    CARBON_TRACK_RETRY_BASE_MS: "10",
    ...extra,
  });

  beforeAll(async () => {
    // The free plan: CAISO_NORTH (aws us-west-1) only; us-east-1 (PJM_DC) is outside it.
    fake = await startFakeWattTime({ value: () => 1000 });
    dir = mkdtempSync(join(tmpdir(), "ct-wt-e2e-"));
    input = join(dir, "usage.csv");
    writeFileSync(
      input,
      [
        header,
        "aws,111122223333,us-west-1,g6.12xlarge,instance-hour,24,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false,,",
        "aws,111122223333,us-west-1,g6.12xlarge,instance-hour,24,2026-10-02T00:00:00Z,2026-10-03T00:00:00Z,false,,",
        "aws,111122223333,us-east-1,g6.12xlarge,instance-hour,24,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false,,",
      ].join("\n"),
    );
  });
  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("applies time-matched MOER where the plan allows and says why elsewhere", async () => {
    const args = ["--input", input, "--since", "2026-10-01", "--until", "2026-10-02", "--intensity", "watttime", "--signal", "marginal", "--format", "csv"];
    const res = await runCli(args, { env: env() });
    expect(res.stderr).not.toContain(PASSWORD);
    expect(res.code).toBe(0);
    const rows = parse(res.stdout, { columns: true }) as Record<string, string>[];
    const west = rows.filter((r) => r.region === "us-west-1");
    expect(west.map((r) => r.intensity_source)).toEqual(["watttime:historical", "watttime:historical"]);
    // 1000 lbs/MWh = 0.45359237 kg/kWh
    for (const r of west) expect(Number(r.intensity_kg_per_kwh)).toBeCloseTo(0.453592, 6);
    const east = rows.find((r) => r.region === "us-east-1")!;
    expect(east.intensity_source).toMatch(/^fallback:watttime-annual-marginal@\d{4}$/);
    expect(east.intensity_note).toBe("not in plan");
    expect(fake.log.filter((r) => r.query.get("region") === "PJM_DC")).toEqual([]);

    // The cache holds the two settled days and the plan: a second run asks nothing at all.
    const before = fake.log.length;
    expect(fake.count("/v3/historical")).toBe(1);
    expect(readdirSync(join(dir, "cache", "carbon-track", "watttime", "co2_moer", "CAISO_NORTH")).sort()).toEqual(["2026-10-01.json", "2026-10-02.json"]);
    const again = await runCli(args, { env: env() });
    expect(again.code).toBe(0);
    expect(fake.log.length).toBe(before);
    for (const f of readdirSync(join(dir, "cache", "carbon-track", "watttime", "co2_moer", "CAISO_NORTH"))) {
      expect(readFileSync(join(dir, "cache", "carbon-track", "watttime", "co2_moer", "CAISO_NORTH", f), "utf8")).not.toContain(PASSWORD);
    }
  });

  it("shows the provenance per region in the terminal report", async () => {
    const res = await runCli(["--input", input, "--since", "2026-10-01", "--until", "2026-10-02", "--out", join(dir, "out"), "--no-cache", "--signal", "marginal"], { env: env() });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Intensity provenance per region/);
    expect(res.stdout).toMatch(/aws:us-west-1.*CAISO_NORTH.*watttime:historical/);
    expect(res.stdout).toMatch(/aws:us-east-1.*PJM_DC.*fallback:watttime-annual-marginal/);
    expect(res.stdout).toContain("not in plan");
  });

  it("wrong credentials: one clear line, static fallback, exit 3", async () => {
    // A cold cache: a warm one answers without logging in, so a wrong password only shows once something is fetched.
    const res = await runCli(["--input", input, "--since", "2026-10-01", "--until", "2026-10-02", "--format", "csv", "--signal", "marginal"], {
      env: env({ WATTTIME_PASSWORD: "wrong-Password-77", XDG_CACHE_HOME: join(dir, "cold-cache") }),
    });
    expect(res.code).toBe(3);
    expect(res.stderr).toContain("WattTime: login rejected (check WATTTIME_USERNAME / WATTTIME_PASSWORD)");
    expect(res.stderr).not.toContain("wrong-Password-77");
    expect(res.stdout).not.toContain("wrong-Password-77");
    const rows = parse(res.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.every((r) => r.intensity_source?.startsWith("fallback:") && r.intensity_note === "WattTime login failed")).toBe(true);
  });
});
