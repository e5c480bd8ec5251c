import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCatalog, type Catalog } from "../../../src/config/catalog.js";
import type { UserConfig } from "../../../src/config/user-config.js";
import type { Logger } from "../../../src/log.js";
import type { SourceContext, UsageWindow } from "../../../src/sources/types.js";
import { repoRoot } from "../../helpers/run-cli.js";
import { createRedactor } from "../../../src/text/redact.js";

export const exportTable = "ml-billing-admin.billing_export.gcp_billing_export_v1_0123AB_4567CD_89EF01";
export const aggregateFixture = join(repoRoot, "test/fixtures/gcp/aggregate-rows.json");
export const window: UsageWindow = { since: "2026-10-01", until: "2026-10-03", granularity: "daily" };

export const loadCatalog = (): Catalog =>
  buildCatalog(JSON.parse(readFileSync(join(repoRoot, "config/catalog.json"), "utf8")), undefined, "config/catalog.json");

/** Recognisable: a test fails if it ever shows up in output. */
export const fakeSubjectToken = "fake-oidc-subject-token-DO-NOT-PRINT";

/**
 * The environment a CI runner with workload identity has, pointed at the fake: an external_account file whose
 * token exchange is the fake's /token, so no request leaves 127.0.0.1 and no metadata server is probed.
 */
export function gcpTestEnv(fakeUrl: string): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), "carbon-track-gcp-"));
  const subject = join(dir, "subject-token");
  writeFileSync(subject, fakeSubjectToken);
  const credentials = join(dir, "external-account.json");
  writeFileSync(
    credentials,
    JSON.stringify({
      type: "external_account",
      audience: "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/gh",
      subject_token_type: "urn:ietf:params:oauth:token-type:jwt",
      token_url: `${fakeUrl}/token`,
      credential_source: { file: subject },
    }),
  );
  return { BIGQUERY_EMULATOR_HOST: fakeUrl, GOOGLE_APPLICATION_CREDENTIALS: credentials, METADATA_SERVER_DETECTION: "none" };
}

export interface CapturedLog extends Logger {
  lines: string[];
}

export function captureLog(): CapturedLog {
  const lines: string[] = [];
  const push = (level: string) => (message: string) => void lines.push(`${level}: ${message}`);
  return { lines, progress: push("progress"), info: push("info"), verbose: push("verbose"), warn: push("warn"), error: push("error") };
}

export function gcpContext(env: Record<string, string>, overrides: Partial<SourceContext> & { gcp?: UserConfig["gcp"] } = {}): SourceContext {
  const { gcp, ...rest } = overrides;
  return {
    window,
    env,
    config: { gcp: { table: exportTable, ...gcp } },
    catalog: loadCatalog(),
    log: captureLog(),
    signal: new AbortController().signal,
    http: { timeoutMs: 15_000, retryBaseMs: 10, maxAttempts: 3 },
    redactor: createRedactor([]),
    ...rest,
  };
}
