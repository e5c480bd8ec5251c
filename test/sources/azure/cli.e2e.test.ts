import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../helpers/run-cli.js";
import { startAzureFake, type AzureFake, type SubscriptionScript } from "../../fakes/azure-cost.js";
import { fakeAccessToken, makeAzStub, makeTestCert, type TestCert } from "../../fakes/azure-tls.js";

// Runs the built CLI (npm run build first) against the HTTPS loopback fake, as a user would.
const fixture = JSON.parse(readFileSync(new URL("../../fixtures/azure/usage.json", import.meta.url), "utf8")) as {
  subscriptions: Record<string, SubscriptionScript>;
};
const subA = "0a1b2c3d-0000-4000-8000-00000000000a";
const subB = "0a1b2c3d-0000-4000-8000-00000000000b";
const subDenied = "0a1b2c3d-0000-4000-8000-00000000000c";

let cert: TestCert;
let fake: AzureFake;
let work: string;

beforeAll(async () => {
  cert = makeTestCert();
  makeAzStub(cert.dir);
  work = mkdtempSync(join(tmpdir(), "carbon-track-azure-e2e-"));
  fake = await startAzureFake({
    certPem: cert.certPem,
    keyPem: cert.keyPem,
    token: fakeAccessToken,
    subscriptions: {
      [subA]: fixture.subscriptions[subA]!,
      [subB]: { ...fixture.subscriptions[subB]!, throttle: { times: 1, headers: { "Retry-After": "1" } } },
      [subDenied]: { status: 403 },
    },
  });
});
afterAll(async () => {
  await fake.close();
  rmSync(cert.dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const envFor = (home: string): Record<string, string> => ({
  HOME: home,
  PATH: `${cert.dir}:${process.env.PATH ?? "/usr/bin:/bin"}`,
  AZURE_TOKEN_CREDENTIALS: "AzureCliCredential",
  NODE_EXTRA_CA_CERTS: cert.certPath,
  CARBON_TRACK_AZURE_ENDPOINT: fake.url,
  CARBON_TRACK_TIMEOUT_MS: "3000",
  CARBON_TRACK_RETRY_BASE_MS: "10",
  NO_COLOR: "1",
});

describe("carbon-track 30 --providers azure (built CLI, loopback fake)", () => {
  it("prints tables, writes CSVs, names the denied subscription and exits 3", async () => {
    const config = join(work, "config.json");
    writeFileSync(config, JSON.stringify({ azure: { subscriptions: [subA, subB, subDenied], concurrency: 3 } }));
    const out = join(work, "out");
    const result = await runCli(["30", "--providers", "azure", "--config", config, "--out", out], { env: envFor(work) });

    expect(result.stderr).toMatch(new RegExp(`azure: subscription ${subDenied}: access denied \\(403`));
    expect(result.code).toBe(3);
    expect(result.stdout).toContain("Standard_NC24ads_A100_v4");
    expect(result.stdout).toContain("Standard_ND96isr_H100_v5");
    expect(result.stdout).not.toContain("D4s");

    const csvs = readdirSync(out).filter((f) => f.endsWith(".csv"));
    expect(csvs.length).toBeGreaterThan(0);
    const detail = csvs.map((f) => readFileSync(join(out, f), "utf8")).join("\n");
    expect(detail).toContain(subA);
    expect(detail).toContain(subB);
    expect(detail).not.toContain(subDenied);
  });

  it("exits 0 when the only subscription answers", async () => {
    const out = join(work, "out-ok");
    const result = await runCli(["30", "--providers", "azure", "--out", out], { env: { ...envFor(work), AZURE_SUBSCRIPTION_ID: subA } });
    expect(result.stderr).not.toMatch(/error:/);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("westeurope");
  });
});
