import { spawn, spawnSync, type ChildProcess, type StdioOptions } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, openSync, readdirSync, readlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { binPath } from "../helpers/run-cli.js";
import { offlineGridEnv } from "../helpers/offline-grid.js";

/**
 * The built CLI as a child process for the output-fault and signal tests, which need what runCli does not give:
 * stdout on /dev/full or closed early, a signal at a chosen moment, another user, a private mount namespace.
 */

export interface Ended {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Started {
  child: ChildProcess;
  ended: Promise<Ended>;
}

export interface StartOptions {
  cwd: string;
  env?: Record<string, string>;
  /** stdout: captured ("pipe"), or a file descriptor (/dev/full). */
  stdout?: "pipe" | number;
  /** Run as this user and group (root only: a test of permission bits means nothing to root). */
  user?: { uid: number; gid: number };
  /** A command the CLI runs under, as `unshare … sh -c '…' sh node bin …`. */
  wrap?: string[];
  /** Killed after this long: a hang fails the test instead of holding the suite. */
  killAfterMs?: number;
}

export function startCli(args: string[], opts: StartOptions): Started {
  const command = [...(opts.wrap ?? []), process.execPath, binPath, ...args];
  const stdio: StdioOptions = ["ignore", opts.stdout ?? "pipe", "pipe"];
  const child = spawn(command[0]!, command.slice(1), {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: opts.cwd, NO_COLOR: "1", ...offlineGridEnv(), ...opts.env },
    stdio,
    ...(opts.user ?? {}),
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => child.kill("SIGKILL"), opts.killAfterMs ?? 20_000);
  const ended = new Promise<Ended>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  return { child, ended };
}

export const runChild = (args: string[], opts: StartOptions): Promise<Ended> => startCli(args, opts).ended;

/** stderr holds exactly one line, ours, matching `message`: no stack trace, no second error. */
export function expectOneLine(stderr: string, message: RegExp): void {
  const lines = stderr.trimEnd().split("\n");
  expect(lines, stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^carbon-track: /);
  expect(lines[0]).toMatch(message);
}

/** A scratch directory every user can enter (the tests that run as another user need to). */
export function scratchDir(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), `ct-${name}-`));
  chmodSync(dir, 0o755);
  return dir;
}

const header = "provider,account,region,instance_type,unit,quantity_hours,period_start,period_end,estimated";

/** An --input of `rows` daily rows of a known instance type: a run on it prints no warning. */
export function writeInput(path: string, rows: number): void {
  const day0 = Date.parse("2024-01-01T00:00:00Z");
  const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");
  const fd = openSync(path, "w");
  writeFileSync(fd, `${header}\n`);
  let batch: string[] = [];
  for (let i = 0; i < rows; i++) {
    const d = i % 1000;
    batch.push(`aws,${100000000000 + Math.floor(i / 1000)},us-east-1,p5.48xlarge,instance-hour,24,${iso(day0 + d * 864e5)},${iso(day0 + (d + 1) * 864e5)},false\n`);
    if (batch.length === 10_000) {
      writeFileSync(fd, batch.join(""));
      batch = [];
    }
  }
  writeFileSync(fd, batch.join(""));
}

/** Whether this machine lets a user make a private mount namespace (`unshare -rm`) and mount a tmpfs in it. */
export function privateMountsWork(): boolean {
  const dir = scratchDir("unshare-probe");
  mkdirSync(join(dir, "m"));
  const r = spawnSync("unshare", ["-rm", "sh", "-c", `mount -t tmpfs -o size=16k tmpfs '${join(dir, "m")}'`], { stdio: "ignore" });
  return r.status === 0;
}

/** Polls until `ready` holds; false when `timeoutMs` passed first. */
export async function waitFor(ready: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (ready()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return ready();
}

/** Whether process `pid` has `path` open (Linux /proc): the run has reached that point. */
export function hasOpen(pid: number, path: string): boolean {
  try {
    return readdirSync(`/proc/${pid}/fd`).some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`) === path;
      } catch {
        return false;
      }
    });
  } catch {
    return false;
  }
}
