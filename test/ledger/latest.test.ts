import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeWattTime, type FakeWattTime } from "../fakes/watttime.js";
import { runCli } from "../helpers/run-cli.js";
import { usageCsv } from "../helpers/usage-csv.js";

describe("carbon_detail_latest.csv is honest (built CLI)", () => {
  let dir: string;
  let fake: FakeWattTime;
  let input: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ct-latest-"));
    fake = await startFakeWattTime({ value: () => 1000 });
    input = join(dir, "usage.csv");
    writeFileSync(
      input,
      usageCsv([
        { provider: "aws", account: "111122223333", region: "us-west-1", instanceType: "g6.12xlarge", hours: "24", day: "2026-10-01" },
        { provider: "aws", account: "111122223333", region: "us-west-1", instanceType: "g6.12xlarge", hours: "12", day: "2026-10-02" },
      ]),
    );
  });
  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([["table"], ["csv"], ["json"]])("an empty window (--format %s) exits 1 and writes nothing, not even to the ledger", async (format) => {
    const out = join(dir, `empty-${format}`);
    const ledger = join(dir, `empty-ledger-${format}`);
    const res = await runCli(["--input", input, "--since", "2026-11-01", "--until", "2026-11-07", "--format", format, "--out", out, "--ledger", ledger]);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("carbon-track: no usage in the window: nothing was written\n");
    expect(res.stdout).toBe("");
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
    expect(existsSync(join(ledger, "detail"))).toBe(false);
  });

  it("a bad --input with --ledger is exit 2 and creates nothing, not even the ledger directory", async () => {
    const bad = join(dir, "bad.csv");
    writeFileSync(bad, `${readFileSync(input, "utf8")}aws,111122223333,us-west-1,g6.12xlarge,instance-hour,-1,2026-10-03T00:00:00Z,2026-10-04T00:00:00Z,false,,\n`);
    const ledger = join(dir, "bad-ledger");
    const res = await runCli(["--input", bad, "--ledger", ledger, "--out", join(dir, "bad-out")]);
    expect(res.code).toBe(2);
    expect(existsSync(ledger)).toBe(false);
    expect(existsSync(join(dir, "bad-out"))).toBe(false);
  });

  it("a partial run leaves carbon_detail_latest.csv as it was, names the failure in the header, and --latest-on-partial replaces it", async () => {
    const out = join(dir, "out");
    const whole = await runCli(["--input", input, "--out", out, "--stamp", "none", "-q"]);
    expect(whole.code).toBe(0);
    const latest = join(out, "carbon_detail_latest.csv");
    const before = readFileSync(latest, "utf8");
    expect(before).toContain("fallback:");

    const env = {
      WATTTIME_API_URL: fake.url,
      WATTTIME_USERNAME: "carbon-test",
      WATTTIME_PASSWORD: "wrong-Password-77",
      XDG_CACHE_HOME: join(dir, "cache"),
      CARBON_TRACK_TIMEOUT_MS: "2000",
      CARBON_TRACK_RETRY_BASE_MS: "10",
    };
    const partial = await runCli(["--input", input, "--out", out, "--stamp", "date", "--intensity", "watttime", "--format", "markdown"], { env });
    expect(partial.code).toBe(3);
    expect(partial.stdout).toMatch(/^- Partial: 1 failed \(WattTime: login rejected/m);
    expect(partial.stderr).toContain(`${latest} was left as it was because the run is partial (--latest-on-partial replaces it anyway)`);
    expect(readFileSync(latest, "utf8")).toBe(before);
    const stamped = readdirSync(out).find((f) => /^carbon_detail_\d{8}\.csv$/.test(f))!;
    expect(readFileSync(join(out, stamped), "utf8")).toContain("WattTime login failed");

    const asked = await runCli(["--input", input, "--out", out, "--stamp", "date", "--intensity", "watttime", "--latest-on-partial"], { env });
    expect(asked.code).toBe(3);
    expect(asked.stdout).toMatch(/Partial: 1 failed/);
    expect(readFileSync(latest, "utf8")).toBe(readFileSync(join(out, stamped), "utf8"));
  });
});
