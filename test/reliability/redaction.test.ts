import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { wattTimeClient } from "../../src/intensity/watttime/client.js";
import { createBigQueryClient, registerTokens } from "../../src/sources/gcp/bigquery-client.js";
import { secretsInEnvironment } from "../../src/text/known-secrets.js";
import { createRedactor, REDACTED } from "../../src/text/redact.js";
import { fakeAccessToken as azureToken } from "../fakes/azure-tls.js";
import { fakeAccessToken as bigQueryToken } from "../fakes/bigquery.js";
import { startFakeWattTime, type FakeWattTime } from "../fakes/watttime.js";
import { runCli, type CliResult } from "../helpers/run-cli.js";
import { fakeAccessKeyId, fakeSecret as awsSecret } from "../sources/aws/harness.js";
import { fakeSubjectToken, gcpTestEnv } from "../sources/gcp/harness.js";
import { awsSetup, azureSetup, fastPolicy, gcpSetup, scratch, windowArgs, type BillingSetup } from "./billing-setups.js";
import { startFaultProxy, type Fault, type FaultRule } from "./fault-proxy.js";

const awsSessionToken = "FwoGZXIvYXdzEFAKE-session-token-DO-NOT-PRINT-4d1e";
const wattTimePassword = "wt-Pa55word-DO-NOT-PRINT-88c1";
/** Credentials a CI job has in its environment that no provider call sends: they must not show up either. */
const bystanders = {
  GITHUB_TOKEN: "ghs_FAKEgithubTOKEN0123456789DONOTPRINT",
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: "fake-actions-id-request-token-DO-NOT-PRINT",
  CARBON_TRACK_SIGNING_KEY: "fake-signing-key-DO-NOT-PRINT-0c9e",
  ELECTRICITYMAPS_API_KEY: "fake-emaps-key-DO-NOT-PRINT-51aa",
  EIA_API_KEY: "fake-eia-key-DO-NOT-PRINT-93bd",
  AZURE_CLIENT_SECRET: "fake~azure.client_secret-DO-NOT-PRINT",
};
/** What a broken token exchange answers: the access token, then the answer stops. */
const exchangeToken = "ya29.exchange-token-DO-NOT-PRINT-6b2f";

describe("the redactor", () => {
  const env: Record<string, string> = {
    AWS_SECRET_ACCESS_KEY: awsSecret,
    AWS_SESSION_TOKEN: awsSessionToken,
    AWS_ACCESS_KEY_ID: fakeAccessKeyId,
    WATTTIME_USERNAME: "carbon-test-user",
    WATTTIME_PASSWORD: wattTimePassword,
    AZURE_TOKEN_CREDENTIALS: "AzureCliCredential",
    SHORT_TOKEN: "abc",
    HOME: "/home/runner",
    ...bystanders,
  };
  const redactor = createRedactor(secretsInEnvironment(env));

  it.each(["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_ACCESS_KEY_ID", "WATTTIME_PASSWORD", ...Object.keys(bystanders)])(
    "replaces the value of %s wherever it appears",
    (name) => {
      const value = env[name];
      expect(redactor.redact(`failed (${value}) and again:${value}`)).toBe(`failed (${REDACTED}) and again:${REDACTED}`);
    },
  );

  it("keeps what is not a secret: a user name, a credential selector, a short value, a path", () => {
    const text = "carbon-test-user AzureCliCredential abc /home/runner/out";
    expect(redactor.redact(text)).toBe(text);
  });

  it("knows the secrets of the files credential variables name, not their paths", () => {
    const dir = scratch("redact-files");
    const subject = join(dir, "subject-token");
    writeFileSync(subject, `${fakeSubjectToken}\n`);
    const external = join(dir, "external.json");
    writeFileSync(external, JSON.stringify({ type: "external_account", token_url: "https://sts.example/v1/token", credential_source: { file: subject } }));
    const serviceAccount = join(dir, "sa.json");
    writeFileSync(serviceAccount, JSON.stringify({ type: "service_account", private_key_id: "0123456789abcdef", private_key: "sa-private-key-DO-NOT-PRINT" }));
    const webIdentity = join(dir, "web-identity");
    writeFileSync(webIdentity, "eyJfake.web-identity.DO-NOT-PRINT");
    const shared = join(dir, "credentials");
    writeFileSync(shared, "[default]\naws_access_key_id = AKIAFILE0000000001\naws_secret_access_key = file-secret-DO-NOT-PRINT\n");
    const fromFiles = createRedactor(
      secretsInEnvironment({ GOOGLE_APPLICATION_CREDENTIALS: external, AWS_WEB_IDENTITY_TOKEN_FILE: webIdentity, AWS_SHARED_CREDENTIALS_FILE: shared }),
    );
    expect(fromFiles.redact(`${fakeSubjectToken} eyJfake.web-identity.DO-NOT-PRINT file-secret-DO-NOT-PRINT ${external}`)).toBe(`${REDACTED} ${REDACTED} ${REDACTED} ${external}`);
    // Not a secret: the token URL, the key's id, the access key id of a file.
    expect(fromFiles.redact("https://sts.example/v1/token AKIAFILE0000000001")).toBe("https://sts.example/v1/token AKIAFILE0000000001");
    const sa = createRedactor(secretsInEnvironment({ GOOGLE_APPLICATION_CREDENTIALS: serviceAccount }));
    expect(sa.redact("sa-private-key-DO-NOT-PRINT 0123456789abcdef")).toBe(`${REDACTED} 0123456789abcdef`);
  });

  it("reads no device or oversized file a credential variable names", () => {
    expect(secretsInEnvironment({ AWS_WEB_IDENTITY_TOKEN_FILE: "/dev/zero", GOOGLE_APPLICATION_CREDENTIALS: "/nonexistent/creds.json" })).toEqual([]);
  });

  it("replaces a token registered during the run, and the longer secret that contains another first", () => {
    const run = createRedactor([]);
    run.add("token-obtained-at-run-time-1");
    run.add("token-obtained-at-run-time-12345");
    run.add("short");
    expect(run.redact("a token-obtained-at-run-time-12345 b token-obtained-at-run-time-1 short")).toBe(`a ${REDACTED} b ${REDACTED} short`);
  });

  const patterns: Array<[string, string, string]> = [
    ["an Authorization header", "echo: Authorization: Bearer abc.def-ghi", `echo: Authorization: ${REDACTED}`],
    ["an AWS SigV4 header in JSON", '{"authorization":"AWS4-HMAC-SHA256 Credential=X/20261001, Signature=ab12","host":"h"}', `{"authorization":"${REDACTED}","host":"h"}`],
    ["an escaped header in a JSON message", String.raw`{"message":"{\"authorization\":\"Bearer 0abc\"}"}`, String.raw`{"message":"{\"authorization\":\"${REDACTED}\"}"}`],
    ["a Bearer token", "sent Bearer ya29.a0AfB_byC-1234 then", `sent Bearer ${REDACTED} then`],
    ["a Basic credential", "Basic Y2FyYm9uOnBhc3N3b3Jk=", `Basic ${REDACTED}`],
    ["api_key=", "GET /v1?api_key=s3cr3tValue&zone=X", `GET /v1?api_key=${REDACTED}&zone=X`],
    ["apikey=", "apikey=s3cr3tValue", `apikey=${REDACTED}`],
    ["token=", "?token=abc123&x=1", `?token=${REDACTED}&x=1`],
    ["a JSON access_token", '{"access_token":"ya29.xyz","expires_in":3599}', `{"access_token":"${REDACTED}","expires_in":3599}`],
    ["a truncated JSON access_token", '{"access_token":"ya29.trunc', `{"access_token":"${REDACTED}`],
    ["a JSON parse error's quote of an answer", 'Unexpected token, ..."ss_token":"ya29.cut"... is not valid JSON', `Unexpected token, ..."ss_token":"${REDACTED}"... is not valid JSON`],
    ["an Azure SAS signature", "https://a.blob.core.windows.net/c?sv=2024&sig=AbC%2Bd%3D&se=2026", `https://a.blob.core.windows.net/c?sv=2024&sig=${REDACTED}&se=2026`],
    ["an AWS secret in a credentials file", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG", `aws_secret_access_key = ${REDACTED}`],
    ["a session token header", "x-amz-security-token: IQoJb3JpZ2lu", `x-amz-security-token: ${REDACTED}`],
    ["a client secret", "client_secret=Q~abc.def", `client_secret=${REDACTED}`],
    ["a password in a URL", "https://user:hunter22@proxy.example:8080/", `https://user:${REDACTED}@proxy.example:8080/`],
    ["a private key", "key: -----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY----- done", `key: ${REDACTED} done`],
    ["a private key cut off", String.raw`"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADAN`, `"${REDACTED}`],
  ];
  it.each(patterns)("replaces %s", (_, text, expected) => {
    expect(createRedactor([]).redact(text)).toBe(expected);
  });

  it.each([
    "Basic authentication failed",
    "Token expired",
    "not authenticated (401): sign in again (az login) or check AZURE_TOKEN_CREDENTIALS",
    "WattTime: login rejected (check WATTTIME_USERNAME / WATTTIME_PASSWORD)",
    "no AWS credentials found: set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or web identity",
    "intensity aws:us-east-1 (PJM_ROANOKE): watttime:historical",
  ])("leaves an ordinary message alone: %s", (text) => {
    expect(createRedactor([]).redact(text)).toBe(text);
  });

  it("redactKnown takes out the known values only: SQL of our own keeps its `key = …`", () => {
    const redactor = createRedactor(["s3cr3t-value-1234"]);
    const sql = "SELECT l.value FROM UNNEST(labels) AS l WHERE l.key = 'team' AND note = 's3cr3t-value-1234'";
    expect(redactor.redactKnown(sql)).toBe(`SELECT l.value FROM UNNEST(labels) AS l WHERE l.key = 'team' AND note = '${REDACTED}'`);
    expect(redactor.redact(sql)).toContain(`l.key = '${REDACTED}'`);
  });

  it("keeps a cache document valid JSON", () => {
    const doc = JSON.stringify({ zone: "Z", note: "Bearer abcdefgh1", access_token: "ya29.q", nested: { authorization: "Basic dXNlcjpwdw==" } });
    expect(JSON.parse(createRedactor([]).redact(doc))).toEqual({ zone: "Z", note: `Bearer ${REDACTED}`, access_token: REDACTED, nested: { authorization: REDACTED } });
  });
});

describe("tokens obtained during the run are registered as they arrive", { timeout: 30_000 }, () => {
  it("the GCP access token from the token exchange", async () => {
    const redactor = createRedactor([]);
    const client = createBigQueryClient({ jobProject: "p", location: undefined, env: gcpTestEnv(setups.gcp.upstream) });
    await registerTokens(client, redactor);
    expect(redactor.redact(`x ${bigQueryToken} y`)).toBe(`x ${bigQueryToken} y`);
    expect((await client.authClient.getAccessToken()) ?? "").toBe(bigQueryToken);
    expect(redactor.redact(`x ${bigQueryToken} y`)).toBe(`x ${REDACTED} y`);
  });

  it("the WattTime Basic credential and bearer token", async () => {
    const redactor = createRedactor([]);
    const client = wattTimeClient({
      baseUrl: wattTime.url,
      credentials: { username: "carbon-test", password: wattTimePassword },
      http: { timeoutMs: 2000, retryBaseMs: 10, maxAttempts: 3 },
      abort: new AbortController().signal,
      clock: () => Date.now(),
      redactor,
    });
    await client.getJson("/v3/my-access", {}, "my-access", {});
    const bearer = /^Bearer (.+)$/.exec(wattTime.log.at(-1)!.authorization)![1]!;
    const basic = Buffer.from(`carbon-test:${wattTimePassword}`).toString("base64");
    expect(redactor.redact(`${bearer} ${basic}`)).toBe(`${REDACTED} ${REDACTED}`);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Through the built CLI: providers whose answers quote the request.

let setups: Record<BillingSetup["id"], BillingSetup>;
let wattTime: FakeWattTime;
let zones: string[];

beforeAll(async () => {
  const [aws, azure, gcp] = await Promise.all([awsSetup(), azureSetup(), gcpSetup()]);
  setups = { aws, azure, gcp };
  const regions = JSON.parse(readFileSync(new URL("../../config/regions.json", import.meta.url), "utf8")) as {
    regions: Record<string, Record<string, { wattTimeRegion?: string }>>;
  };
  zones = [...new Set(Object.values(regions.regions).flatMap((byName) => Object.values(byName).map((r) => r.wattTimeRegion ?? "")))].filter(Boolean);
  wattTime = await startFakeWattTime({ password: wattTimePassword, historical: zones, value: () => 900 });
});
afterAll(async () => {
  await Promise.all([...Object.values(setups ?? {}).map((s) => s.close()), wattTime?.close()]);
});

function filesUnder(dir: string): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...filesUnder(path));
    else found.push(path);
  }
  return found;
}

type Target = "aws" | "azure" | "gcp" | "gcp-token" | "watttime-data" | "watttime-login";

interface EchoCell {
  name: string;
  target: Target;
  fault: Fault;
  format?: "table" | "markdown" | "json" | "csv";
  /** The error line the run must give (exit 3: the others' data is written). */
  error: RegExp;
}

const echo = (status: number): Fault => ({ kind: "echo", status });

/** Where each target's proxy stands and which requests it hits. */
function proxied(target: Target): { upstream: string; match: FaultRule["match"]; tls?: BillingSetup["tls"]; provider: BillingSetup["id"] | "watttime" } {
  switch (target) {
    case "aws":
    case "azure":
    case "gcp":
      return { upstream: setups[target].upstream, match: setups[target].dataCall, tls: setups[target].tls, provider: target };
    case "gcp-token":
      return { upstream: setups.gcp.upstream, match: ({ path }) => path.startsWith("/token"), provider: "gcp" };
    case "watttime-data":
      return { upstream: wattTime.url, match: ({ path }) => path.startsWith("/v3/historical"), provider: "watttime" };
    case "watttime-login":
      return { upstream: wattTime.url, match: ({ path }) => path.startsWith("/login"), provider: "watttime" };
  }
}

/** Every billing provider and WattTime, one of them behind a fault proxy, with --verbose and a job summary file. */
async function runEchoCell(cell: EchoCell): Promise<{ result: CliResult; home: string; faulted: number }> {
  const at = proxied(cell.target);
  const proxy = await startFaultProxy(at.upstream, { match: at.match, fault: cell.fault, times: Infinity }, at.tls);
  try {
    const home = scratch("redaction");
    mkdirSync(join(home, "cache"));
    // Healthy providers must answer within the timeout on a loaded machine: 2 s, not fastPolicy's 300 ms.
    const env: Record<string, string> = { ...fastPolicy, CARBON_TRACK_TIMEOUT_MS: "2000", HOME: home, XDG_CACHE_HOME: join(home, "cache"), GITHUB_STEP_SUMMARY: join(home, "summary.md") };
    for (const s of Object.values(setups)) Object.assign(env, s.env(at.provider === s.id ? proxy.url : s.upstream));
    Object.assign(env, bystanders, {
      AWS_SESSION_TOKEN: awsSessionToken,
      WATTTIME_API_URL: at.provider === "watttime" ? proxy.url : wattTime.url,
      WATTTIME_USERNAME: "carbon-test",
      WATTTIME_PASSWORD: wattTimePassword,
    });
    const args = [
      "--providers",
      "aws,azure,gcp",
      ...windowArgs,
      "--intensity",
      "watttime",
      "--verbose",
      "--format",
      cell.format ?? "table",
      "--out",
      join(home, "out"),
      ...Object.values(setups).flatMap((s) => s.args),
    ];
    const result = await runCli(args, { env, cwd: home, timeoutMs: 30_000 });
    return { result, home, faulted: proxy.faulted };
  } finally {
    await proxy.close();
  }
}

function expectNothingSecret(result: CliResult, home: string): void {
  const wattTimeTokens = [...new Set(wattTime.log.map((r) => /^Bearer (.+)$/.exec(r.authorization)?.[1]).filter((t): t is string => Boolean(t)))];
  const secrets = [
    awsSecret,
    awsSessionToken,
    fakeAccessKeyId,
    azureToken,
    bigQueryToken,
    fakeSubjectToken,
    wattTimePassword,
    exchangeToken,
    Buffer.from(`carbon-test:${wattTimePassword}`).toString("base64"),
    ...Object.values(bystanders),
    ...wattTimeTokens,
  ];
  const files = filesUnder(home);
  expect(files).toContain(join(home, "summary.md"));
  const places: Array<[string, string]> = [["stdout", result.stdout], ["stderr", result.stderr], ...files.map((f): [string, string] => [f, readFileSync(f, "latin1")])];
  for (const [where, text] of places) for (const secret of secrets) expect(text.includes(secret), `${where} holds ${secret.slice(0, 8)}…`).toBe(false);
}

const cells: EchoCell[] = [
  { name: "Cost Explorer answers 400 quoting the signed request", target: "aws", fault: echo(400), error: /^error: aws: RequestRejected: request rejected: / },
  { name: "Cost Explorer answers 500 quoting it, on every attempt", target: "aws", fault: echo(500), error: /^error: aws: / },
  { name: "Azure answers 400 quoting the bearer token", target: "azure", fault: echo(400), error: /^error: azure: every subscription failed: .*HTTP 400 RequestRejected/ },
  { name: "Azure answers 401 quoting it", target: "azure", fault: echo(401), error: /^error: azure: every subscription failed: .*not authenticated \(401/ },
  { name: "Azure answers 500 quoting it, on every attempt (Markdown report)", target: "azure", fault: echo(500), format: "markdown", error: /^error: azure: / },
  { name: "BigQuery answers 400 quoting the bearer token", target: "gcp", fault: echo(400), error: /^error: gcp: BigQuery query failed: request rejected: / },
  { name: "BigQuery answers 403 quoting it (JSON report)", target: "gcp", fault: echo(403), format: "json", error: /^error: gcp: BigQuery query failed: request rejected: / },
  { name: "BigQuery answers 500 quoting it, on every attempt", target: "gcp", fault: echo(500), error: /^error: gcp: / },
  {
    name: "the GCP token exchange answers truncated JSON holding the access token",
    target: "gcp-token",
    fault: { kind: "answer", status: 200, body: `{"access_token":"${exchangeToken}","issued_token_type":"urn:ietf:params:oauth:token-type:access_token","token_type":"Bearer","expires_in":36` },
    error: /^error: gcp: /,
  },
  {
    name: "the GCP token exchange answers 400 quoting the subject token",
    target: "gcp-token",
    fault: { kind: "answer", status: 400, body: JSON.stringify({ error: "invalid_grant", error_description: `subject_token ${fakeSubjectToken} is expired` }) },
    error: /^error: gcp: /,
  },
  { name: "the GCP token exchange's answer is cut off half-way, the access token in the half sent", target: "gcp-token", fault: { kind: "truncate" }, error: /^error: gcp: / },
  { name: "the GCP token exchange answers 400 quoting its request (CSV report)", target: "gcp-token", fault: echo(400), format: "csv", error: /^error: gcp: / },
  { name: "WattTime answers a data call with 400 quoting the bearer token", target: "watttime-data", fault: echo(400), error: /^error: WattTime .*historical: HTTP 400 \(request rejected: / },
  { name: "WattTime answers a data call with 500 quoting it, on every attempt", target: "watttime-data", fault: echo(500), error: /^error: WattTime / },
  { name: "WattTime answers /login with 400 quoting the Basic credential", target: "watttime-login", fault: echo(400), error: /^error: WattTime/ },
];

/** Needs the built CLI (npm run build). */
describe("echoing answers never print a secret (built CLI)", { timeout: 60_000 }, () => {
  it.each(cells)("$name", async (cell) => {
    const { result, home, faulted } = await runEchoCell(cell);
    const why = `${cell.name}\nexit ${result.code}\nstderr:\n${result.stderr}`;
    expect(faulted, `the fault was never injected: ${why}`).toBeGreaterThan(0);
    expect(result.code, why).toBe(3);
    const errors = result.stderr.split("\n").filter((l) => l.startsWith("error: "));
    expect(errors.length, why).toBeGreaterThan(0);
    expect(errors.some((l) => cell.error.test(l)), why).toBe(true);
    expectNothingSecret(result, home);
  });
});

describe("a known secret in any message is redacted (built CLI)", { timeout: 60_000 }, () => {
  it.each([
    ["--input", (s: string) => ["--input", `/nonexistent/${s}/usage.csv`]],
    ["--config", (s: string) => ["--demo", "--config", `/nonexistent/${s}.json`]],
    ["--out", (s: string) => ["--demo", "--out", `/dev/null/${s}`]],
  ] as const)("a path given to %s that holds GITHUB_TOKEN's value", async (_, args) => {
    const home = scratch("redaction-path");
    const result = await runCli([...args(bystanders.GITHUB_TOKEN)], { env: { HOME: home, GITHUB_TOKEN: bystanders.GITHUB_TOKEN }, cwd: home, timeoutMs: 30_000 });
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr.split("\n").filter(Boolean)).toHaveLength(1);
    expect(result.stderr).toContain(REDACTED);
    expect(result.stderr).not.toContain(bystanders.GITHUB_TOKEN);
  });
});
