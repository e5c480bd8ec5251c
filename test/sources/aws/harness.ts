import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildCatalog, type Catalog } from "../../../src/config/catalog.js";
import type { Logger } from "../../../src/log.js";
import type { SourceContext, UsageWindow } from "../../../src/sources/types.js";
import { repoRoot } from "../../helpers/run-cli.js";
import { createRedactor } from "../../../src/text/redact.js";

/** Recognisable fakes: a test fails if either ever shows up in output. */
export const fakeAccessKeyId = "AKIAFAKETESTKEY00001";
export const fakeSecret = "fake-secret-DO-NOT-PRINT-7f3a9c";

export const fixturePath = join(repoRoot, "test/fixtures/aws/usage.json");
export const window: UsageWindow = { since: "2026-10-01", until: "2026-10-03", granularity: "daily" };

/** Hours per (account, region, type, day) in the fixture, worked out by hand; 2026-10-03 is the estimated day. */
export const expectedHours: Record<string, number> = {
  "2026-10-01 111122223333 us-east-1 p5.48xlarge": 53.25, // 48 on-demand + 5.25 Spot
  "2026-10-01 444455556666 us-west-2 p4d.24xlarge": 24,
  "2026-10-01 444455556666 us-west-2 g5.12xlarge": 17.3333333333,
  "2026-10-01 444455556666 us-east-1 ml.p4d.24xlarge": 8.25,
  "2026-10-01 444455556666 us-west-2 ml.g5.12xlarge": 24,
  "2026-10-01 777788889999 eu-central-1 p4d.24xlarge": 24,
  "2026-10-01 777788889999 us-east-1 g5.xlarge": 2.5, // USE1- prefix
  "2026-10-02 111122223333 us-east-1 p5.48xlarge": 72,
  "2026-10-02 444455556666 us-west-2 p4d.24xlarge": 24,
  "2026-10-02 444455556666 us-west-2 g5.12xlarge": 6.6666666667,
  "2026-10-02 444455556666 eu-west-1 g5.12xlarge": 20,
  "2026-10-02 444455556666 us-east-1 ml.p4d.24xlarge": 3,
  "2026-10-02 444455556666 us-west-2 ml.g5.12xlarge": 24,
  "2026-10-02 777788889999 eu-central-1 p4d.24xlarge": 27, // 24 dedicated + 3 on-demand
  "2026-10-03 111122223333 us-east-1 p5.48xlarge": 44.25, // 31.5 + 12.75 Spot
  "2026-10-03 111122223333 us-east-2 ml.g5.2xlarge": 1.5,
  "2026-10-03 444455556666 us-west-2 p4d.24xlarge": 24,
  "2026-10-03 444455556666 eu-west-1 g5.12xlarge": 24,
  "2026-10-03 444455556666 us-west-2 ml.g5.12xlarge": 24,
  "2026-10-03 777788889999 ap-northeast-1 g4ad.xlarge": 6, // GPU type not in the catalog: kept for the run to flag
  "2026-10-03 777788889999 eu-central-1 p4d.24xlarge": 10,
};

export const loadCatalog = (): Catalog =>
  buildCatalog(JSON.parse(readFileSync(join(repoRoot, "config/catalog.json"), "utf8")), undefined, "config/catalog.json");

/**
 * The environment a user would have, pointed at the fake: explicit keys and empty shared files, so the SDK's
 * default chain stops at the environment and never probes a metadata address.
 */
export function awsTestEnv(endpoint: string): Record<string, string> {
  const dir = mkdtempSync(join(tmpdir(), "carbon-track-aws-"));
  writeFileSync(join(dir, "config"), "");
  writeFileSync(join(dir, "credentials"), "");
  return {
    AWS_ENDPOINT_URL_COST_EXPLORER: endpoint,
    AWS_ACCESS_KEY_ID: fakeAccessKeyId,
    AWS_SECRET_ACCESS_KEY: fakeSecret,
    AWS_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_CONFIG_FILE: join(dir, "config"),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
  };
}

/**
 * The SDK reads its configuration from process.env, as it does in the CLI. Each test file runs in its own
 * worker process; the previous values are restored afterwards all the same.
 */
export function useProcessEnv(vars: Record<string, string>): () => void {
  const saved = new Map<string, string | undefined>();
  for (const key of [...Object.keys(vars), "AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"]) saved.set(key, process.env[key]);
  delete process.env.AWS_PROFILE;
  delete process.env.AWS_ENDPOINT_URL;
  delete process.env.AWS_SESSION_TOKEN;
  Object.assign(process.env, vars);
  return () => {
    for (const [key, value] of saved) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}

export interface CapturedLog extends Logger {
  lines: string[];
}

export function captureLog(): CapturedLog {
  const lines: string[] = [];
  const push = (m: string) => void lines.push(m);
  return { lines, progress: push, info: push, verbose: push, warn: push, error: push };
}

export function sourceContext(overrides: Partial<SourceContext> = {}): SourceContext {
  return {
    window,
    env: process.env,
    config: {},
    catalog: loadCatalog(),
    log: captureLog(),
    signal: new AbortController().signal,
    http: { timeoutMs: 15_000, retryBaseMs: 10, maxAttempts: 3 },
    redactor: createRedactor([]),
    ...overrides,
  };
}
