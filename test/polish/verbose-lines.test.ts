import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeWattTime, type FakeWattTime } from "../fakes/watttime.js";
import { runCli } from "../helpers/run-cli.js";
import { usageCsv } from "../helpers/usage-csv.js";

describe("-v says what was asked, and of whom", () => {
  let fake: FakeWattTime;
  let dir: string;
  beforeAll(async () => {
    fake = await startFakeWattTime({ value: () => 1000 });
    dir = mkdtempSync(join(tmpdir(), "ct-verbose-"));
  });
  afterAll(async () => {
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("the demo asks nobody: no empty request line", async () => {
    const res = await runCli(["--demo", "7", "-v", "--format", "csv"]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).not.toMatch(/requests: \{\}/);
  }, 30_000);

  it("each WattTime zone line names the provider batch it was resolved for", async () => {
    const input = join(dir, "usage.csv");
    writeFileSync(input, usageCsv([{ provider: "aws", account: "1", region: "us-west-1", instanceType: "g6.12xlarge", hours: "24", day: "2026-10-01" }]));
    const env = {
      WATTTIME_API_URL: fake.url,
      WATTTIME_USERNAME: "carbon-test",
      WATTTIME_PASSWORD: "pa55-Word!secret",
      XDG_CACHE_HOME: join(dir, "cache"),
      CARBON_TRACK_TIMEOUT_MS: "2000",
      CARBON_TRACK_RETRY_BASE_MS: "10",
    };
    const res = await runCli(["--input", input, "--since", "2026-10-01", "--until", "2026-10-01", "--intensity", "watttime", "-v", "--format", "csv"], { env });
    expect(res.code, res.stderr).toBe(0);
    const zoneLines = res.stderr.split("\n").filter((l) => l.startsWith("WattTime CAISO_NORTH:"));
    expect(zoneLines).toEqual([expect.stringMatching(/fetched \(aws batch\)$/)]);
    expect(res.stderr).toMatch(/^intensity requests: \{.+\}$/m);
  }, 30_000);
});
