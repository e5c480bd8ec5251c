import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { offlineGridEnv } from "./offline-grid.js";

export const repoRoot = fileURLToPath(new URL("../../", import.meta.url));
export const binPath = fileURLToPath(new URL("../../bin/carbon-track.js", import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI as a user would: a child process with exactly the environment given
 * (plus PATH and the no-metadata guards), so no developer credential leaks into a test.
 */
export function runCli(args: string[], opts: { env?: Record<string, string>; cwd?: string; timeoutMs?: number; bin?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [opts.bin ?? binPath, ...args], {
      cwd: opts.cwd ?? repoRoot,
      env: {
        PATH: process.env.PATH ?? "/usr/bin:/bin",
        HOME: process.env.HOME ?? "/tmp",
        AWS_EC2_METADATA_DISABLED: "true",
        METADATA_SERVER_DETECTION: "none",
        AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
        ...offlineGridEnv(),
        ...opts.env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 30_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
