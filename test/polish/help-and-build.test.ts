import { cpSync, mkdtempSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { repoRoot, runCli } from "../helpers/run-cli.js";

describe("--help and a clone that was never built", () => {
  it("--help lists the environment variables the tool reads", async () => {
    const res = await runCli(["--help"]);
    expect(res.code).toBe(0);
    const env = res.stdout.slice(res.stdout.indexOf("Environment:"));
    for (const name of ["AWS_PROFILE", "AZURE_SUBSCRIPTION_ID", "GOOGLE_APPLICATION_CREDENTIALS", "WATTTIME_USERNAME", "CARBON_TRACK_TIMEOUT_MS", "CARBON_TRACK_DEADLINE_MS", "NO_COLOR", "FORCE_COLOR", "GITHUB_STEP_SUMMARY"]) {
      expect(env).toContain(name);
    }
  }, 30_000);

  it("without dist/, one line says to build, and no stack", () => {
    const dir = mkdtempSync(join(tmpdir(), "ct-nobuild-"));
    mkdirSync(join(dir, "bin"));
    cpSync(join(repoRoot, "bin"), join(dir, "bin"), { recursive: true });
    cpSync(join(repoRoot, "package.json"), join(dir, "package.json"));
    const res = spawnSync(process.execPath, [join(dir, "bin", "carbon-track.js"), "--demo"], { encoding: "utf8", timeout: 30_000 });
    expect(res.status).toBe(1);
    expect(res.stdout).toBe("");
    expect(res.stderr).toBe("carbon-track: dist/ is missing, the TypeScript was not built: run `npm run build` (npm ci builds too)\n");
    // --help still answers from the plain file.
    expect(spawnSync(process.execPath, [join(dir, "bin", "carbon-track.js"), "--help"], { encoding: "utf8" }).stdout).toMatch(/^Usage: carbon-track/);
  });
});
