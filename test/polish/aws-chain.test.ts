import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";

/** A loopback port that nothing listens on: bound, then closed. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// AWS_EC2_METADATA_DISABLED stays set (run-cli): the default chain never asks 169.254.169.254 in a test.
const base = (home: string): Record<string, string> => ({ HOME: home, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "", CARBON_TRACK_RETRY_BASE_MS: "10" });

describe("AWS credentials are the SDK's default chain's to find", () => {
  it("--providers aws with no variable set asks the chain (an instance role would answer) and says what it found", async () => {
    const home = mkdtempSync(join(tmpdir(), "ct-aws-"));
    const res = await runCli(["--providers", "aws", "--out", join(home, "out")], { cwd: home, env: base(home) });
    expect(res.code, res.stderr).toBe(1);
    expect(res.stderr).not.toMatch(/not configured/);
    expect(res.stderr).toMatch(/no AWS credentials found: .*instance or task role/);
    // The SDK's Node-version notice is not shown to the person running a report.
    expect(res.stderr).not.toMatch(/NodeVersionSupportWarning/);
  }, 60_000);

  it("AWS_PROFILE naming a missing profile says so", async () => {
    const home = mkdtempSync(join(tmpdir(), "ct-aws-"));
    const res = await runCli(["--providers", "aws", "--out", join(home, "out")], { cwd: home, env: { ...base(home), AWS_PROFILE: "nosuch" } });
    expect(res.code, res.stderr).toBe(1);
    expect(res.stderr).toMatch(/the AWS profile "nosuch" \(AWS_PROFILE\) is in neither ~\/\.aws\/config nor ~\/\.aws\/credentials/);
  }, 60_000);

  it("a Cost Explorer that cannot be reached is explained, not a raw connect error", async () => {
    const home = mkdtempSync(join(tmpdir(), "ct-aws-"));
    const env = {
      ...base(home),
      AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
      AWS_SECRET_ACCESS_KEY: "secret",
      AWS_ENDPOINT_URL_COST_EXPLORER: `http://127.0.0.1:${await closedPort()}`,
    };
    const res = await runCli(["--providers", "aws", "--out", join(home, "out")], { cwd: home, env });
    expect(res.code, res.stderr).toBe(1);
    expect(res.stderr).toMatch(/aws: could not reach Cost Explorer \(ECONNREFUSED\) after retries: check the network/);
    expect(res.stderr).not.toMatch(/Error: connect/);
    expect(res.stderr).not.toMatch(/NodeVersionSupportWarning/);
  }, 60_000);
});
