import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fakeAccessToken as azureToken } from "../fakes/azure-tls.js";
import { fakeAccessToken as bigQueryToken } from "../fakes/bigquery.js";
import { startFakeWattTime, type FakeWattTime } from "../fakes/watttime.js";
import { runCli, type CliResult } from "../helpers/run-cli.js";
import { fakeSecret as awsSecret } from "../sources/aws/harness.js";
import { fakeSubjectToken } from "../sources/gcp/harness.js";
import { awsSetup, azureSetup, fastPolicy, gcpSetup, scratch, windowArgs, type BillingSetup } from "./billing-setups.js";
import { startFaultProxy, type FaultProxy } from "./fault-proxy.js";

const awsSessionToken = "FwoGZXIvYXdzEFAKE-session-token-DO-NOT-PRINT-4d1e";
const wattTimePassword = "wt-Pa55word-DO-NOT-PRINT-88c1";

let setups: BillingSetup[];
let wattTime: FakeWattTime;
let zones: string[];

beforeAll(async () => {
  setups = await Promise.all([awsSetup(), azureSetup(), gcpSetup()]);
  // Every WattTime zone readable, so data calls (bearer token) and cache writes happen for every region.
  const regions = JSON.parse(readFileSync(new URL("../../config/regions.json", import.meta.url), "utf8")) as {
    regions: Record<string, Record<string, { wattTimeRegion?: string }>>;
  };
  zones = [...new Set(Object.values(regions.regions).flatMap((byName) => Object.values(byName).map((r) => r.wattTimeRegion ?? "")))].filter(Boolean);
  wattTime = await startFakeWattTime({ password: wattTimePassword, historical: zones, value: () => 900 });
});
afterAll(async () => {
  await Promise.all([...(setups ?? []).map((s) => s.close()), wattTime?.close()]);
});

function filesUnder(dir: string): string[] {
  let found: string[] = [];
  try {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      found = statSync(path).isDirectory() ? [...found, ...filesUnder(path)] : [...found, path];
    }
  } catch {
    // Not created by this run.
  }
  return found;
}

/** Every provider at once, each through `endpoint(setup)`, with WattTime and --verbose. */
async function runAll(endpoint: (s: BillingSetup) => string): Promise<{ result: CliResult; home: string }> {
  const home = scratch("secrets");
  const env: Record<string, string> = { ...fastPolicy, HOME: home, XDG_CACHE_HOME: join(home, "cache") };
  for (const s of setups) Object.assign(env, s.env(endpoint(s)));
  Object.assign(env, {
    AWS_SESSION_TOKEN: awsSessionToken,
    WATTTIME_API_URL: wattTime.url,
    WATTTIME_USERNAME: "carbon-test",
    WATTTIME_PASSWORD: wattTimePassword,
  });
  const args = ["--providers", "aws,azure,gcp", ...windowArgs, "--intensity", "watttime", "--verbose", "--out", join(home, "out"), ...setups.flatMap((s) => s.args)];
  return { result: await runCli(args, { env, cwd: home }), home };
}

function expectNoSecret(result: CliResult, home: string): void {
  const wattTimeTokens = [...new Set(wattTime.log.map((r) => /^Bearer (.+)$/.exec(r.authorization)?.[1]).filter((t): t is string => Boolean(t)))];
  expect(wattTimeTokens.length, "WattTime issued no token: the test would prove nothing").toBeGreaterThan(0);
  const secrets = [
    awsSecret,
    awsSessionToken,
    azureToken,
    bigQueryToken,
    fakeSubjectToken,
    wattTimePassword,
    Buffer.from(`carbon-test:${wattTimePassword}`).toString("base64"),
    ...wattTimeTokens,
  ];
  const files = filesUnder(home);
  expect(files.some((f) => f.includes(`${join(home, "cache")}`)), "no cache file was written").toBe(true);
  expect(files.some((f) => f.endsWith("carbon_detail_latest.csv")), "no output file was written").toBe(true);
  const places: Array<[string, string]> = [["stdout", result.stdout], ["stderr", result.stderr], ...files.map((f): [string, string] => [f, readFileSync(f, "latin1")])];
  for (const [where, text] of places) for (const secret of secrets) expect(text.includes(secret), `${where} contains ${secret.slice(0, 6)}…`).toBe(false);
}

/** Needs the built CLI (npm run build). */
describe("secrets never leave the process", () => {
  it("a healthy run of AWS, Azure, GCP and WattTime with --verbose", async () => {
    const { result, home } = await runAll((s) => s.upstream);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/aws requests: /);
    expectNoSecret(result, home);
  });

  it("a run where every billing provider rejects its credentials (error paths quote the most)", async () => {
    const proxies: FaultProxy[] = [];
    const rejecting = { kind: "answer" as const, status: 401, body: '{"error":{"code":401,"message":"token expired"},"__type":"ExpiredTokenException","message":"expired"}' };
    try {
      const urls = new Map<string, string>();
      for (const s of setups) {
        const proxy = await startFaultProxy(s.upstream, { match: s.dataCall, fault: rejecting, times: Infinity }, s.tls);
        proxies.push(proxy);
        urls.set(s.id, proxy.url);
      }
      const { result, home } = await runAll((s) => urls.get(s.id)!);
      expect(result.code, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/error: aws: /);
      expect(result.stderr).toMatch(/error: azure: /);
      expect(result.stderr).toMatch(/error: gcp: /);
      for (const [where, text] of [["stdout", result.stdout], ["stderr", result.stderr]] as const) {
        for (const secret of [awsSecret, awsSessionToken, azureToken, bigQueryToken, fakeSubjectToken, wattTimePassword]) expect(text.includes(secret), `${where}`).toBe(false);
      }
      for (const f of filesUnder(home)) for (const secret of [awsSecret, awsSessionToken, azureToken, bigQueryToken, fakeSubjectToken]) expect(readFileSync(f, "latin1")).not.toContain(secret);
    } finally {
      await Promise.all(proxies.map((p) => p.close()));
    }
  });
});
