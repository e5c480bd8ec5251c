import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, vi } from "vitest";

export interface TestCert {
  dir: string;
  certPath: string;
  certPem: string;
  keyPem: string;
}

/**
 * A throw-away self-signed certificate for 127.0.0.1: the Azure pipeline refuses bearer tokens over plain
 * HTTP, so the loopback fake speaks HTTPS and the client trusts this certificate.
 */
export function makeTestCert(): TestCert {
  const dir = mkdtempSync(join(tmpdir(), "carbon-track-azure-"));
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
    "-keyout", keyPath, "-out", certPath,
  ], { stdio: "ignore" });
  return { dir, certPath, certPem: readFileSync(certPath, "utf8"), keyPem: readFileSync(keyPath, "utf8") };
}

export const fakeAccessToken = "fake-azure-token-for-tests";

/**
 * A stub `az` that answers `az account get-access-token` with a fixed token, so that
 * AZURE_TOKEN_CREDENTIALS=AzureCliCredential authenticates without any network. Returns its directory
 * (put it first on PATH).
 */
export function makeAzStub(dir: string): string {
  const script = join(dir, "az");
  const token = JSON.stringify({ accessToken: fakeAccessToken, expiresOn: "2030-01-01 00:00:00.000000", expires_on: 1893456000, tokenType: "Bearer" });
  writeFileSync(script, `#!/bin/sh\necho '${token}'\n`);
  chmodSync(script, 0o755);
  return dir;
}

/**
 * In-process tests of the Azure source: a certificate and the stub `az` for the file, and for each test an
 * environment where only that stub can answer (no login host, no metadata address). `cert()` gives the
 * certificate once the file's set-up ran; `close` ends what each test started (its fake).
 */
export function useAzureCli(close: () => Promise<void> | void): () => TestCert {
  let cert: TestCert | undefined;
  beforeAll(() => {
    cert = makeTestCert();
    makeAzStub(cert.dir);
  });
  afterAll(() => rmSync(cert!.dir, { recursive: true, force: true }));
  beforeEach(() => {
    vi.stubEnv("AZURE_TOKEN_CREDENTIALS", "AzureCliCredential");
    vi.stubEnv("PATH", `${cert!.dir}:${process.env.PATH ?? ""}`);
  });
  afterEach(async () => {
    vi.unstubAllEnvs();
    await close();
  });
  return () => cert!;
}
