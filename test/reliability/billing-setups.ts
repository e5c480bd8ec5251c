import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDataset, startFakeCostExplorer } from "../fakes/aws-cost-explorer.js";
import { startAzureFake, type SubscriptionScript } from "../fakes/azure-cost.js";
import { fakeAccessToken as azureToken, makeAzStub, makeTestCert } from "../fakes/azure-tls.js";
import { loadAggregateFixture, startBigQueryFake } from "../fakes/bigquery.js";
import { repoRoot } from "../helpers/run-cli.js";
import { awsTestEnv, fixturePath as awsFixture } from "../sources/aws/harness.js";
import { aggregateFixture, exportTable, gcpTestEnv } from "../sources/gcp/harness.js";
import type { FaultRule, ProxyTls } from "./fault-proxy.js";

/**
 * Each billing provider's loopback fake, healthy, and how the CLI reaches it: the environment for a given
 * endpoint URL (the fake's own, or a fault proxy's in front of it) and the arguments it needs.
 */
export interface BillingSetup {
  id: "aws" | "azure" | "gcp";
  /** The fake's URL: a proxy forwards here. */
  upstream: string;
  /** TLS the proxy must speak (Azure refuses bearer tokens over plain HTTP). */
  tls?: ProxyTls;
  /** The data call a fault hits: GetCostAndUsage, the Query API, jobs.query. */
  dataCall: FaultRule["match"];
  env(endpoint: string): Record<string, string>;
  args: string[];
  /** Requests the fake has answered so far that reach billing data (not token exchanges). */
  dataRequests(): { count: number; dryRuns: number };
  close(): Promise<void>;
}

/** The fixtures' window: every fake holds data for these three days. */
export const windowArgs = ["--since", "2026-10-01", "--until", "2026-10-03"];

/**
 * The CLI's per-request timeout in the fault matrix. Small enough that a lasting fault ends in seconds, large enough
 * that a healthy loopback answer arrives in time on a loaded 2-core machine (at 300 ms, retries that should have
 * recovered timed out under load).
 */
export const testTimeoutMs = 1500;

/** Small bounds, so that a lasting fault ends in seconds (CARBON_TRACK_* are read by the CLI). */
export const fastPolicy = { CARBON_TRACK_TIMEOUT_MS: String(testTimeoutMs), CARBON_TRACK_RETRY_BASE_MS: "5", NO_COLOR: "1" };

export async function awsSetup(): Promise<BillingSetup> {
  const fake = await startFakeCostExplorer(loadDataset(awsFixture), { pageSize: 20 });
  return {
    id: "aws",
    upstream: fake.url,
    dataCall: ({ headers }) => String(headers["x-amz-target"] ?? "").endsWith(".GetCostAndUsage"),
    env: (endpoint) => awsTestEnv(endpoint),
    args: [],
    dataRequests: () => ({ count: fake.requests.length, dryRuns: 0 }),
    close: () => fake.close(),
  };
}

export const azureSubscriptions = ["0a1b2c3d-0000-4000-8000-00000000000a", "0a1b2c3d-0000-4000-8000-00000000000b"];

export async function azureSetup(): Promise<BillingSetup> {
  const cert = makeTestCert();
  const bin = makeAzStub(cert.dir);
  const fixture = JSON.parse(readFileSync(join(repoRoot, "test/fixtures/azure/usage.json"), "utf8")) as { subscriptions: Record<string, SubscriptionScript> };
  const fake = await startAzureFake({
    certPem: cert.certPem,
    keyPem: cert.keyPem,
    token: azureToken,
    subscriptions: Object.fromEntries(azureSubscriptions.map((s) => [s, fixture.subscriptions[s]!])),
  });
  const config = join(cert.dir, "config.json");
  writeFileSync(config, JSON.stringify({ azure: { subscriptions: azureSubscriptions } }));
  return {
    id: "azure",
    upstream: fake.url,
    tls: { certPem: cert.certPem, keyPem: cert.keyPem },
    dataCall: ({ path }) => path.includes("/providers/Microsoft.CostManagement/query"),
    env: (endpoint) => ({
      PATH: `${bin}:${process.env.PATH ?? "/usr/bin:/bin"}`,
      AZURE_TOKEN_CREDENTIALS: "AzureCliCredential",
      NODE_EXTRA_CA_CERTS: cert.certPath,
      CARBON_TRACK_AZURE_ENDPOINT: endpoint,
    }),
    args: ["--config", config],
    dataRequests: () => ({ count: fake.requests.length, dryRuns: 0 }),
    close: () => fake.close(),
  };
}

export async function gcpSetup(): Promise<BillingSetup> {
  // Small pages: the rows after the first come from getQueryResults calls, which cells fault too.
  const fake = await startBigQueryFake({ fixture: loadAggregateFixture(aggregateFixture), pageSize: 2 });
  return {
    id: "gcp",
    upstream: fake.url,
    dataCall: ({ method, path }) => method === "POST" && /\/queries(\?|$)/.test(path),
    env: (endpoint) => gcpTestEnv(endpoint),
    args: ["--gcp-table", exportTable],
    dataRequests: () => {
      const queries = fake.calls.filter((c) => c.path !== "/token");
      return { count: queries.length, dryRuns: queries.filter((c) => c.body?.dryRun === true).length };
    },
    close: () => fake.close(),
  };
}

export const scratch = (name: string): string => mkdtempSync(join(tmpdir(), `ct-rel-${name}-`));
