import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAzureCarbonFake, type AzureCarbonFake, type CarbonPage } from "../fakes/azure-carbon.js";
import { fakeAccessToken as azureToken, makeAzStub, makeTestCert, type TestCert } from "../fakes/azure-tls.js";
import { fakeAccessToken as bigQueryToken, startBigQueryFake, type BigQueryFake } from "../fakes/bigquery.js";
import { repoRoot, runCli } from "../helpers/run-cli.js";
import { fakeSubjectToken, gcpTestEnv } from "../sources/gcp/harness.js";
import { answerGcpCarbon, awsExport, azureSubscription, checkGcpCarbonRequest, detailCsv, fixtures, gcpCarbonSchema, gcpTable, usageCsv } from "./harness.js";

// Runs the built CLI (npm run build first) against the three providers' carbon figures: AWS's CARBON_EMISSIONS export
// files, a loopback BigQuery answering the Carbon Footprint query from the export's rows, and a loopback Azure
// Carbon Optimization API.

interface Row {
  month: string;
  provider: string;
  account: string;
  region: string;
  gpuLocationKg: number | null;
  providerKg: number | null;
  ratio: number | null;
  modelVersion: string | null;
  modelFlags: string[];
  reasons: string[];
}

/** Distinctive values in every credential variable: none may show up in any output. */
const secrets = {
  AWS_ACCESS_KEY_ID: "AKIDRECONCILESECRET1",
  AWS_SECRET_ACCESS_KEY: "reconcile-aws-secret-DO-NOT-PRINT",
  AWS_SESSION_TOKEN: "reconcile-aws-session-DO-NOT-PRINT",
  AZURE_CLIENT_SECRET: "reconcile-azure-client-secret-DO-NOT-PRINT",
  WATTTIME_PASSWORD: "reconcile-watttime-DO-NOT-PRINT",
  EIA_API_KEY: "reconcile-eia-key-DO-NOT-PRINT",
  ELECTRICITYMAPS_API_KEY: "reconcile-em-key-DO-NOT-PRINT",
};

const azurePages = JSON.parse(readFileSync(join(fixtures, "azure-carbon-reports.json"), "utf8")) as Record<string, { pages: CarbonPage[] }>;

let cert: TestCert;
let azure: AzureCarbonFake;
let bigquery: BigQueryFake;
let work: string;

beforeAll(async () => {
  cert = makeTestCert();
  makeAzStub(cert.dir);
  work = mkdtempSync(join(tmpdir(), "ct-reconcile-"));
  azure = await startAzureCarbonFake({ certPem: cert.certPem, keyPem: cert.keyPem, token: azureToken, months: azurePages });
  bigquery = await startBigQueryFake({ fixture: gcpCarbonSchema, checkRequest: checkGcpCarbonRequest, answer: answerGcpCarbon, incompleteAnswers: 1 });
});
afterAll(async () => {
  await azure.close();
  await bigquery.close();
  rmSync(cert.dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

const env = (): Record<string, string> => ({
  ...secrets,
  ...gcpTestEnv(bigquery.url),
  PATH: `${cert.dir}:${process.env.PATH ?? "/usr/bin:/bin"}`,
  AZURE_TOKEN_CREDENTIALS: "AzureCliCredential",
  NODE_EXTRA_CA_CERTS: cert.certPath,
  CARBON_TRACK_AZURE_ENDPOINT: azure.url,
  CARBON_TRACK_TIMEOUT_MS: "5000",
  CARBON_TRACK_RETRY_BASE_MS: "10",
  NO_COLOR: "1",
  HOME: work,
});

const providers = ["--aws-carbon", awsExport, "--gcp-carbon-table", gcpTable, "--azure-subscriptions", azureSubscription];

async function reconcileJson(args: string[]): Promise<{ rows: Row[]; warnings: string[]; failures: string[]; stderr: string; code: number | null }> {
  const res = await runCli(["reconcile", ...args, ...providers, "--format", "json"], { env: env(), cwd: work, timeoutMs: 90_000 });
  expect(res.code, res.stderr).toBe(0);
  const doc = JSON.parse(res.stdout) as { rows: Row[]; warnings: string[]; failures: string[] };
  return { ...doc, stderr: res.stderr, code: res.code };
}

const find = (rows: Row[], month: string, provider: string, region: string): Row => {
  const row = rows.find((r) => r.month === month && r.provider === provider && r.region === region);
  if (!row) throw new Error(`no row ${month} ${provider} ${region}`);
  return row;
};

/**
 * The hand-checked cells: carbon-track's figure is days × the detail CSV's daily co2e_location_kg (constant per
 * type: annual intensities); the provider's is the fixture's compute-service scope 2 figure, in kg.
 */
const expected: Array<[string, string, string, number, number | null]> = [
  // AWS: EC2 4.25 t + SageMaker 0.15 t (model v3.0.0; September also under v2.0.0, a restatement).
  ["2026-09", "aws", "us-east-1", 30 * 54.521964, 4400],
  ["2026-09", "aws", "us-west-2", 30 * 1.834464, 50],
  // October holds a p9.prototype row with no figure (an unknown type): counted, not summed.
  ["2026-10", "aws", "us-east-1", 31 * 54.521964, 4600],
  ["2026-10", "aws", "us-west-2", 31 * 1.834464, 80],
  ["2026-10", "aws", "eu-west-1", 31 * 16.051971, 1250],
  // GCP: Compute Engine scope 2 location-based, zones a + b (1,500.5 + 600.0); model 11, then 12.
  ["2026-09", "gcp", "us-central1", 30 * 25.14244, 2100.5],
  ["2026-10", "gcp", "us-central1", 31 * 25.14244, 2230],
  // Azure: virtual machines' scope 2 (2,400 + 350 in September, on two pages); west Europe has no VM in October.
  ["2026-09", "azure", "eastus", 30 * 29.852533, 2750],
  ["2026-09", "azure", "westeurope", 30 * 0.789338, 95],
  ["2026-10", "azure", "eastus", 31 * 29.852533, 2900],
  ["2026-10", "azure", "westeurope", 31 * 0.789338, 0],
];

describe("carbon-track reconcile against the three providers' carbon exports", () => {
  it("puts each provider's figure beside carbon-track's per month × account × region, with hand-checked ratios", async () => {
    const { rows, warnings } = await reconcileJson(["--detail", detailCsv]);
    expect(rows).toHaveLength(expected.length);
    for (const [month, provider, region, gpu, providerKg] of expected) {
      const row = find(rows, month, provider, region);
      expect(row.gpuLocationKg).toBeCloseTo(gpu, 6);
      expect(row.providerKg).toBeCloseTo(providerKg!, 6);
      if (providerKg === 0) expect(row.ratio).toBeNull();
      else expect(row.ratio).toBeCloseTo(gpu / providerKg!, 9);
    }
    expect(find(rows, "2026-09", "aws", "us-east-1").ratio).toBeCloseTo(0.3717407, 6);
    expect(find(rows, "2026-09", "gcp", "us-central1").ratio).toBeCloseTo(0.3590922, 6);
    expect(find(rows, "2026-10", "azure", "eastus").ratio).toBeCloseTo(0.3191133, 6);
    // The reasons each cell's figures differ.
    expect(find(rows, "2026-10", "aws", "eu-west-1").reasons).toEqual(["service-wide"]);
    expect(find(rows, "2026-09", "aws", "us-west-2").reasons).toContain("gpu-exceeds-service");
    expect(find(rows, "2026-10", "aws", "us-east-1").reasons).toContain("unestimated-rows");
    expect(find(rows, "2026-10", "azure", "westeurope").reasons).toEqual(["no-provider-figure", "method-not-stated"]);
    expect(find(rows, "2026-09", "azure", "eastus").reasons).toEqual(["service-wide", "method-not-stated"]);
    // Accounts without GPUs are left out and counted; the denied subscription is named.
    expect(rows.some((r) => r.account === "777788889999" || r.account === "web-frontend")).toBe(false);
    expect(warnings).toContain("aws: 1 account with compute emissions but no GPU rows in carbon-track's figures left out");
    expect(warnings.join("\n")).toMatch(/azure: subscription 0a1b2c3d-0000-4000-8000-00000000000c was denied/);
    expect(bigquery.sqlProblems.every((p) => p.length === 0)).toBe(true);
    expect(azure.problems.every((p) => p.length === 0)).toBe(true);
    // September's report has two pages: the second was asked for with the first's skipToken.
    expect(azure.bodies.some((b) => b.skipToken === "page-1")).toBe(true);
  });

  it("flags a provider's model-version change: a month restated under two versions, a version unlike the month before", async () => {
    const { rows, stderr } = await reconcileJson(["--detail", detailCsv]);
    const awsSep = find(rows, "2026-09", "aws", "us-east-1");
    expect(awsSep.modelVersion).toBe("v3.0.0");
    expect(awsSep.modelFlags).toEqual(["restated"]);
    expect(find(rows, "2026-10", "aws", "us-east-1").modelFlags).toEqual([]);
    expect(find(rows, "2026-09", "gcp", "us-central1").modelFlags).toEqual([]);
    const gcpOct = find(rows, "2026-10", "gcp", "us-central1");
    expect(gcpOct.modelVersion).toBe("12");
    expect(gcpOct.modelFlags).toEqual(["changed"]);
    expect(gcpOct.reasons).toContain("model-changed");
    expect(stderr).toContain("warning: model version: aws 2026-09: restated (model v3.0.0)");
    expect(stderr).toContain("warning: model version: gcp 2026-10: changed (model 12)");
  });

  it("flags what changed since a previous reconciliation (--previous)", async () => {
    const first = await runCli(["reconcile", "--detail", detailCsv, ...providers, "--format", "csv"], { env: env(), cwd: work, timeoutMs: 90_000 });
    expect(first.code, first.stderr).toBe(0);
    // As the previous run saw it: GCP's September under model 10, Azure's east US September at 2,500 kg.
    const earlier = first.stdout
      .replace(/^(2026-09,gcp,ml-training-prod,us-central1,[^\r\n]*?),11,/m, "$1,10,")
      .replace(/^(2026-09,azure,0a1b2c3d-0000-4000-8000-00000000000a,eastus,[\d.]+),2750\.000,/m, "$1,2500.000,");
    expect(earlier).not.toBe(first.stdout);
    const previous = join(work, "previous.csv");
    writeFileSync(previous, earlier);
    const { rows } = await reconcileJson(["--detail", detailCsv, "--previous", previous]);
    expect(find(rows, "2026-09", "gcp", "us-central1").modelFlags).toEqual(["changed-since-previous"]);
    expect(find(rows, "2026-09", "azure", "eastus").modelFlags).toEqual(["revised-since-previous"]);
    expect(find(rows, "2026-10", "azure", "eastus").modelFlags).toEqual([]);
  });

  it("reads carbon-track's figures from a ledger the same as from the detail CSV of the run that filled it", async () => {
    const ledger = join(work, "ledger");
    // The run, as the one that wrote the fixture: no grid keys (it must not leave 127.0.0.1).
    const { EIA_API_KEY, ELECTRICITYMAPS_API_KEY, WATTTIME_PASSWORD, ...runEnv } = env();
    const run = await runCli(["--input", usageCsv, "--since", "2026-09-01", "--until", "2026-10-31", "--ledger", ledger, "--format", "csv", "--no-cache"], {
      env: runEnv,
      cwd: work,
      timeoutMs: 90_000,
    });
    expect([0, 3], run.stderr).toContain(run.code);
    const detail = join(work, "run-detail.csv");
    writeFileSync(detail, run.stdout);
    const fromLedger = await reconcileJson(["--ledger", ledger, "--since", "2026-09", "--until", "2026-10"]);
    const fromDetail = await reconcileJson(["--detail", detail]);
    const cells = (rows: Row[]) => rows.map((r) => [r.month, r.provider, r.region, r.gpuLocationKg?.toFixed(6), r.ratio?.toFixed(9), r.reasons]);
    expect(fromLedger.rows).toHaveLength(expected.length);
    expect(cells(fromLedger.rows)).toEqual(cells(fromDetail.rows));
  });

  it("prints the table, writes the CSV atomically, and no secret or token appears anywhere", async () => {
    const out = join(work, "out");
    const res = await runCli(["reconcile", "--detail", detailCsv, ...providers, "--out", out, "--stamp", "none"], { env: { ...env(), COLUMNS: "120" }, cwd: work, timeoutMs: 90_000 });
    expect(res.code, res.stderr).toBe(0);
    expect(readdirSync(out)).toEqual(["carbon_reconcile.csv"]);
    const csv = readFileSync(join(out, "carbon_reconcile.csv"), "utf8");
    expect(csv.split("\r\n")[0]).toBe(
      "month,provider,account,region,gpu_location_kg,provider_kg,ratio,provider_service,provider_scopes,provider_method,provider_market_kg,provider_all_services_kg,model_version,model_flag,reasons",
    );
    expect(csv).toContain("2026-09,aws,111122223333,us-east-1,1635.659,4400.000,0.3717,AmazonEC2+AmazonSageMaker,2,location-based,1320.000,4700.000,v3.0.0,restated,service-wide;model-restated\r\n");
    expect(csv).toContain("2026-10,gcp,ml-training-prod,us-central1,779.416,2230.000,0.3495,Compute Engine,2,location-based,0.000,2277.000,12,changed,service-wide;model-changed\r\n");
    for (const line of res.stdout.split("\n")) expect(line.length).toBeLessThanOrEqual(120);
    expect(res.stdout).toMatch(/2026-09 .* aws .* 111122223333 .* 0\.372/);
    for (const text of [res.stdout, res.stderr, csv]) {
      for (const secret of [...Object.values(secrets), azureToken, bigQueryToken, fakeSubjectToken]) expect(text).not.toContain(secret);
    }
  });

  it("the README's table is this fixture run's", async () => {
    const res = await runCli(["reconcile", "--detail", detailCsv, ...providers, "--format", "table", "--out", join(work, "out-readme")], {
      env: { ...env(), COLUMNS: "200" },
      cwd: work,
      timeoutMs: 90_000,
    });
    expect(res.code, res.stderr).toBe(0);
    expect(readFileSync(join(repoRoot, "README.md"), "utf8")).toContain(res.stdout);
  });
});
