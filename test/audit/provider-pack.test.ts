import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset, startFakeCostExplorer, type FakeCostExplorer } from "../fakes/aws-cost-explorer.js";
import { startFakeEia } from "../fakes/eia.js";
import { startFakeElectricityMaps } from "../fakes/electricity-maps.js";
import type { LoopbackFake } from "../fakes/grid-common.js";
import { startFakeWattTime, type FakeWattTime } from "../fakes/watttime.js";
import { runCli, type CliResult } from "../helpers/run-cli.js";
import { awsTestEnv, fakeSecret as awsSecret, fixturePath as awsFixture } from "../sources/aws/harness.js";
import { keyPair, packFiles, scratch } from "./pack-helpers.js";

// A distinctive fake secret in every credential variable carbon-track or an SDK may read: none may reach the pack.
const secrets = {
  AWS_SESSION_TOKEN: "FwoGZXIvYXdzEAUDIT-session-DO-NOT-PACK-51c7",
  AZURE_CLIENT_SECRET: "azure-Secret-DO-NOT-PACK-90be",
  AZURE_CLIENT_CERTIFICATE_PASSWORD: "azure-CertPass-DO-NOT-PACK-2d4a",
  AZURE_PASSWORD: "azure-Password-DO-NOT-PACK-77e0",
  WATTTIME_PASSWORD: "wt-Pa55-DO-NOT-PACK-3f19",
  ELECTRICITYMAPS_API_KEY: "em-Token-DO-NOT-PACK-6a2c",
  EIA_API_KEY: "eia-Key-DO-NOT-PACK-8d51",
  GITHUB_TOKEN: "ghp_GithubToken_DO_NOT_PACK_0c93",
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: "oidc-Request-DO-NOT-PACK-b6e2",
  ACTIONS_RUNTIME_TOKEN: "runtime-Token-DO-NOT-PACK-f41d",
};
const googlePrivateKey = "google-Private-Key-DO-NOT-PACK-e83a";

let home: string;
let costExplorer: FakeCostExplorer;
let wattTime: FakeWattTime;
let eia: LoopbackFake;
let electricityMaps: LoopbackFake;
let keys: ReturnType<typeof keyPair>;
let run: CliResult;
const pack = (): string => join(home, "pack");

beforeAll(async () => {
  home = scratch("provider");
  keys = keyPair(home);
  costExplorer = await startFakeCostExplorer(loadDataset(awsFixture), { pageSize: 20 });
  wattTime = await startFakeWattTime({ password: secrets.WATTTIME_PASSWORD, value: () => 900 });
  eia = await startFakeEia({ apiKey: secrets.EIA_API_KEY });
  electricityMaps = await startFakeElectricityMaps({ token: secrets.ELECTRICITYMAPS_API_KEY });
  const googleFile = join(home, "google.json");
  writeFileSync(googleFile, JSON.stringify({ type: "service_account", client_email: "ct@example.iam.gserviceaccount.com", private_key: googlePrivateKey }));
  const env = {
    ...awsTestEnv(costExplorer.url),
    ...secrets,
    HOME: home,
    XDG_CACHE_HOME: join(home, "cache"),
    CARBON_TRACK_TIMEOUT_MS: "1500",
    CARBON_TRACK_RETRY_BASE_MS: "5",
    NO_COLOR: "1",
    AZURE_CLIENT_ID: "00000000-0000-4000-8000-0000000000c1",
    AZURE_TENANT_ID: "00000000-0000-4000-8000-0000000000d2",
    GOOGLE_APPLICATION_CREDENTIALS: googleFile,
    WATTTIME_API_URL: wattTime.url,
    WATTTIME_USERNAME: "carbon-test",
    CARBON_TRACK_EIA_URL: eia.url,
    ELECTRICITYMAPS_API_URL: electricityMaps.url,
    // The key itself, not a path: its PEM must not reach the pack either (only its public half, in the manifest).
    CARBON_TRACK_SIGNING_KEY: keys.privatePem,
  };
  const args = ["--providers", "aws", "--since", "2026-10-01", "--until", "2026-10-03", "--intensity", "watttime", "--format", "json", "--audit", pack(), "--out", join(home, "out")];
  run = await runCli(args, { env, cwd: home, timeoutMs: 90_000 });
}, 120_000);

afterAll(async () => {
  await Promise.all([costExplorer?.close(), wattTime?.close(), eia?.close(), electricityMaps?.close()]);
});

describe("an --audit pack from a provider run (Cost Explorer, WattTime, EIA and Electricity Maps fakes)", () => {
  it("is written with the run and verifies under its key", async () => {
    expect(run.code, run.stderr).toBe(0);
    const res = await runCli(["verify", pack(), "--public-key", keys.publicPath], { cwd: home, env: { HOME: home } });
    expect(res.code, res.stdout).toBe(0);
    expect(readFileSync(join(pack(), "outputs/stdout.json"), "utf8")).toBe(run.stdout);
  });

  it("records the queries sent to Cost Explorer, with their filter and grouping", () => {
    const manifest = JSON.parse(readFileSync(join(pack(), "manifest.json"), "utf8")) as { queries: Record<string, { name: string; params: Record<string, unknown> }[]> };
    const aws = manifest.queries.aws!;
    expect(aws.map((q) => q.name)).toEqual(["GetDimensionValues", "GetCostAndUsage"]);
    expect(aws[1]!.params).toMatchObject({
      Granularity: "DAILY",
      GroupBy: [
        { Type: "DIMENSION", Key: "LINKED_ACCOUNT" },
        { Type: "DIMENSION", Key: "USAGE_TYPE" },
      ],
      TimePeriod: { Start: "2026-10-01", End: "2026-10-04" },
    });
    expect(JSON.stringify(aws[1]!.params.Filter)).toContain("EC2: Running Hours");
    // The marginal series the run got from WattTime is in the pack, period by period.
    expect(readFileSync(join(pack(), "inputs/intensity.csv"), "utf8")).toMatch(/^marginal,aws:[a-z0-9-]+,\S*,2026-10-0\dT00:00:00Z,[0-9.]+,watttime:/m);
  });

  it("holds no secret anywhere: not the credentials, not the tokens the run obtained, not the signing key", () => {
    const wattTimeTokens = [...new Set(wattTime.log.map((r) => /^Bearer (.+)$/.exec(r.authorization)?.[1]).filter((t): t is string => Boolean(t)))];
    expect(wattTimeTokens.length, "WattTime issued no token: the test would prove nothing").toBeGreaterThan(0);
    const keyBody = keys.privatePem.split("\n").filter((l) => l && !l.startsWith("-----")).join("");
    const all = [...Object.values(secrets), awsSecret, googlePrivateKey, keyBody, Buffer.from(`carbon-test:${secrets.WATTTIME_PASSWORD}`).toString("base64"), ...wattTimeTokens];
    const files = packFiles(pack());
    expect(files.length).toBeGreaterThan(15);
    for (const file of files) {
      const text = readFileSync(join(pack(), file), "latin1");
      for (const secret of all) expect(text.includes(secret), `${file} holds ${secret.slice(0, 8)}…`).toBe(false);
    }
  });

  it("replays byte for byte offline: the fakes closed, no credential in the environment", async () => {
    await Promise.all([costExplorer.close(), wattTime.close(), eia.close(), electricityMaps.close()]);
    const res = await runCli(["replay", pack()], { cwd: scratch("replay"), env: { HOME: home } });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^replayed: 1 outputs identical byte for byte/);
  }, 60_000);
});
