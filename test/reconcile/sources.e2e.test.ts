import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeAthena, type FakeAthena } from "../fakes/athena.js";
import { startAzureCarbonFake, type AzureCarbonFake } from "../fakes/azure-carbon.js";
import { fakeAccessToken as azureToken, makeAzStub, makeTestCert, type TestCert } from "../fakes/azure-tls.js";
import { runCli } from "../helpers/run-cli.js";
import { awsExport, awsExportAsParquet, azureSubscription, detailCsv } from "./harness.js";

// The AWS table in place on Athena, and one provider failing while the others are compared (built CLI).

let athena: FakeAthena;
let azureDenied: AzureCarbonFake;
let cert: TestCert;
let work: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "ct-reconcile-src-"));
  athena = await startFakeAthena({ tables: { "carbon.carbon_emissions": await awsExportAsParquet() }, throttleStarts: 1 });
  cert = makeTestCert();
  makeAzStub(cert.dir);
  azureDenied = await startAzureCarbonFake({ certPem: cert.certPem, keyPem: cert.keyPem, token: azureToken, months: {}, status: 403 });
});
afterAll(async () => {
  await athena.close();
  await azureDenied.close();
  rmSync(cert.dir, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

/** The stub `az` alone can sign in, and the carbon API answers 403 for every month. */
const azureDeniedEnv = (): Record<string, string> => ({
  HOME: work,
  PATH: `${cert.dir}:${process.env.PATH ?? "/usr/bin:/bin"}`,
  AZURE_TOKEN_CREDENTIALS: "AzureCliCredential",
  NODE_EXTRA_CA_CERTS: cert.certPath,
  CARBON_TRACK_AZURE_ENDPOINT: azureDenied.url,
  CARBON_TRACK_TIMEOUT_MS: "5000",
  CARBON_TRACK_RETRY_BASE_MS: "10",
});

const awsEnv = (): Record<string, string> => {
  const empty = join(work, "empty");
  writeFileSync(empty, "");
  return {
    AWS_ACCESS_KEY_ID: "AKIDRECONCILEATHENA",
    AWS_SECRET_ACCESS_KEY: "reconcile-athena-secret-DO-NOT-PRINT",
    AWS_REGION: "us-east-1",
    AWS_ENDPOINT_URL_ATHENA: athena.url,
    AWS_CONFIG_FILE: empty,
    AWS_SHARED_CREDENTIALS_FILE: empty,
    CARBON_TRACK_TIMEOUT_MS: "5000",
    CARBON_TRACK_RETRY_BASE_MS: "10",
    HOME: work,
  };
};

describe("carbon-track reconcile: AWS on Athena, and a provider that fails", () => {
  it("reads CARBON_EMISSIONS in place on Athena, months bound as parameters, the same figures as from the files", async () => {
    const viaAthena = await runCli(["reconcile", "--detail", detailCsv, "--aws-carbon-athena", "carbon.carbon_emissions", "--athena-workgroup", "finops", "--format", "csv"], {
      env: awsEnv(),
      cwd: work,
      timeoutMs: 90_000,
    });
    expect(viaAthena.code, viaAthena.stderr).toBe(0);
    const viaFiles = await runCli(["reconcile", "--detail", detailCsv, "--aws-carbon", awsExport, "--format", "csv"], { env: { HOME: work }, cwd: work, timeoutMs: 90_000 });
    expect(viaFiles.code, viaFiles.stderr).toBe(0);
    expect(viaAthena.stdout).toBe(viaFiles.stdout);
    expect(viaAthena.stdout).toContain("2026-10,aws,444455556666,eu-west-1,497.611,1250.000,0.3981,");
    const query = athena.queries.at(-1)!;
    expect(query.parameters).toEqual(["'2026-09'", "'2026-10'", "'2026-09'", "'2026-10'"]);
    expect(query.sql).not.toMatch(/2026-/);
    expect(athena.calls.filter((c) => c.operation === "StartQueryExecution").every((c) => c.body.WorkGroup === "finops")).toBe(true);
    expect(viaAthena.stdout + viaAthena.stderr).not.toContain("reconcile-athena-secret-DO-NOT-PRINT");
  });

  it("names a provider that fails, compares the others and exits 3", async () => {
    const out = join(work, "out-partial");
    const res = await runCli(["reconcile", "--detail", detailCsv, "--aws-carbon", awsExport, "--azure-subscriptions", azureSubscription, "--out", out], {
      env: azureDeniedEnv(),
      cwd: work,
      timeoutMs: 90_000,
    });
    expect(res.code, res.stderr).toBe(3);
    expect(res.stderr).toMatch(/azure: carbonEmissionReports for 2026-09: access denied \(403\): the identity needs the Carbon Optimization Reader role/);
    const [file] = readdirSync(out);
    const csv = readFileSync(join(out, file!), "utf8");
    expect(csv).toContain("2026-09,aws,111122223333,us-east-1,");
    expect(csv).not.toContain(",azure,");
    expect(res.stdout + res.stderr + csv).not.toContain(azureToken);
  });

  it("exits 1 and writes nothing when no provider's figures can be read", async () => {
    const out = join(work, "out-none");
    const res = await runCli(["reconcile", "--detail", detailCsv, "--azure-subscriptions", azureSubscription, "--out", out], {
      env: azureDeniedEnv(),
      cwd: work,
      timeoutMs: 90_000,
    });
    expect(res.code, res.stderr).toBe(1);
    expect(res.stdout).toBe("");
    expect(res.stderr).toMatch(/no provider's carbon figures could be read: nothing was written/);
    expect(() => readdirSync(out)).toThrow();
  });
});
