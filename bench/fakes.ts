import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadDataset, startFakeCostExplorer, type Dataset } from "../test/fakes/aws-cost-explorer.js";
import { startAzureFake, type SubscriptionScript } from "../test/fakes/azure-cost.js";
import { fakeAccessToken, makeAzStub, makeTestCert } from "../test/fakes/azure-tls.js";
import { loadAggregateFixture, startBigQueryFake } from "../test/fakes/bigquery.js";
import { startFakeWattTime } from "../test/fakes/watttime.js";
import { startFakeEia } from "../test/fakes/eia.js";
import { startFakeGbCarbon } from "../test/fakes/gb-carbon.js";
import { startLatencyProxy, type LatencyProxy } from "./latency-proxy.js";
import { repoRoot } from "./paths.js";

const dayMs = 86_400_000;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
export const gcpTable = "ml-billing-admin.billing_export.gcp_billing_export_v1_0123AB_4567CD_89EF01";
export const wattTimeCredentials = { WATTTIME_USERNAME: "carbon-test", WATTTIME_PASSWORD: "pa55-Word!secret" };
const eiaKey = "eia-Test-Key-0123456789abcdef";

/** The AWS fixture moved so that its last in-window day is yesterday, as `carbon-track 30` asks today. */
function rebasedAws(data: Dataset): Dataset {
  const shiftMs = Date.parse(`${isoDay(Date.now())}T00:00:00Z`) - dayMs - Date.parse("2026-10-03T00:00:00Z");
  const day = (d: string): string => isoDay(Date.parse(`${d}T00:00:00Z`) + shiftMs);
  return {
    ...data,
    estimatedFrom: day(data.estimatedFrom),
    items: data.items.map((i) => ({ ...i, daily: Object.fromEntries(Object.entries(i.daily).map(([d, q]) => [day(d), q])) })),
  };
}

/** Every WattTime zone named in config/regions.json: a plan that reads them all, so every region is time-matched. */
function allZones(): string[] {
  const file = JSON.parse(readFileSync(`${repoRoot}config/regions.json`, "utf8")) as { regions: Record<string, Record<string, { wattTimeRegion?: string }>> };
  const zones = new Set<string>();
  for (const byRegion of Object.values(file.regions)) for (const r of Object.values(byRegion)) if (r.wattTimeRegion) zones.add(r.wattTimeRegion);
  return [...zones];
}

export interface Fakes {
  proxies: Record<"aws" | "azure" | "gcp" | "watttime" | "eia" | "gb", LatencyProxy>;
  /** Environment and arguments that point the CLI at the proxies, per provider, and the grid signals' (WattTime, EIA, GB). */
  env: Record<"aws" | "azure" | "gcp" | "watttime" | "location", Record<string, string>>;
  args: Record<"aws" | "azure" | "gcp", string[]>;
  close(): Promise<void>;
}

/**
 * The four loopback fakes from the test suite, fed by its fixtures, each behind a proxy adding `delayMs`.
 * `awsPageSize`: groups per Cost Explorer page (small: more pages, as a large organisation's account gets).
 */
export async function startFakes(delayMs: number, opts: { awsPageSize?: number } = {}): Promise<Fakes> {
  const dir = mkdtempSync(join(tmpdir(), "ct-bench-"));
  const aws = await startFakeCostExplorer(rebasedAws(loadDataset(`${repoRoot}test/fixtures/aws/usage.json`)), opts.awsPageSize ? { pageSize: opts.awsPageSize } : {});
  const cert = makeTestCert();
  makeAzStub(cert.dir);
  const azureFixture = JSON.parse(readFileSync(`${repoRoot}test/fixtures/azure/usage.json`, "utf8")) as { subscriptions: Record<string, SubscriptionScript> };
  const azure = await startAzureFake({ certPem: cert.certPem, keyPem: cert.keyPem, token: fakeAccessToken, subscriptions: azureFixture.subscriptions });
  const gcp = await startBigQueryFake({ fixture: loadAggregateFixture(`${repoRoot}test/fixtures/gcp/aggregate-rows.json`), rebaseToSince: true });
  const watttime = await startFakeWattTime({ historical: allZones() });
  const eia = await startFakeEia({ apiKey: eiaKey });
  const gb = await startFakeGbCarbon();
  const proxies = {
    aws: await startLatencyProxy(aws.url, delayMs),
    azure: await startLatencyProxy(azure.url, delayMs, cert),
    gcp: await startLatencyProxy(gcp.url, delayMs),
    watttime: await startLatencyProxy(watttime.url, delayMs),
    eia: await startLatencyProxy(eia.url, delayMs),
    gb: await startLatencyProxy(gb.url, delayMs),
  };

  writeFileSync(join(dir, "aws-config"), "");
  writeFileSync(join(dir, "aws-credentials"), "");
  writeFileSync(join(dir, "subject-token"), "bench-oidc-subject-token");
  const gcpCredentials = join(dir, "external-account.json");
  writeFileSync(
    gcpCredentials,
    JSON.stringify({
      type: "external_account",
      audience: "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/gh",
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      token_url: `${proxies.gcp.url}/token`,
      credential_source: { file: join(dir, "subject-token") },
    }),
  );
  const azureConfig = join(dir, "config.json");
  writeFileSync(azureConfig, JSON.stringify({ azure: { subscriptions: Object.keys(azureFixture.subscriptions) } }));

  return {
    proxies,
    env: {
      aws: {
        AWS_ENDPOINT_URL_COST_EXPLORER: proxies.aws.url,
        AWS_ACCESS_KEY_ID: "AKIAFAKEBENCHKEY0001",
        AWS_SECRET_ACCESS_KEY: "fake-bench-secret",
        AWS_REGION: "us-east-1",
        AWS_EC2_METADATA_DISABLED: "true",
        AWS_CONFIG_FILE: join(dir, "aws-config"),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, "aws-credentials"),
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
      },
      azure: {
        PATH: `${cert.dir}:${process.env.PATH ?? "/usr/bin:/bin"}`,
        AZURE_TOKEN_CREDENTIALS: "AzureCliCredential",
        NODE_EXTRA_CA_CERTS: cert.certPath,
        CARBON_TRACK_AZURE_ENDPOINT: proxies.azure.url,
      },
      gcp: { BIGQUERY_EMULATOR_HOST: proxies.gcp.url, GOOGLE_APPLICATION_CREDENTIALS: gcpCredentials, METADATA_SERVER_DETECTION: "none" },
      watttime: { WATTTIME_API_URL: proxies.watttime.url, ...wattTimeCredentials },
      location: { EIA_API_KEY: eiaKey, CARBON_TRACK_EIA_URL: proxies.eia.url, CARBON_TRACK_GB_CARBON_URL: proxies.gb.url },
    },
    args: { aws: [], azure: ["--config", azureConfig], gcp: ["--gcp-table", gcpTable] },
    async close() {
      for (const p of Object.values(proxies)) await p.close();
      await Promise.all([aws.close(), azure.close(), gcp.close(), watttime.close(), eia.close(), gb.close()]);
    },
  };
}
