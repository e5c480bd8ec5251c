import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect } from "vitest";
import { runCli } from "./run-cli.js";

/** One bad-input case: the CLI must exit 2 with one line matching `message`, and create nothing. */
export interface BadInputCase {
  name: string;
  args: string[];
  /** Files to create in the case's directory (a trailing `/` makes a directory); `$DIR` in args is replaced by it. */
  files?: Record<string, string | Buffer>;
  /** Makes what `files` cannot (a FIFO, a listening socket, a symlink) in the case's directory; returns how to undo it. */
  setup?: (dir: string) => Promise<(() => Promise<void>) | void> | void;
  /** Extra environment for the run. */
  env?: Record<string, string>;
  message: RegExp;
}

/** Runs the built CLI on one case in a fresh directory and checks the contract of exit code 2. */
export async function expectRefused(c: BadInputCase): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "ct-bad-"));
  for (const [name, content] of Object.entries(c.files ?? {})) {
    if (name.endsWith("/")) mkdirSync(join(dir, name));
    else writeFileSync(join(dir, name), content);
  }
  const undo = await c.setup?.(dir);
  const out = join(dir, "out");
  const args = c.args.map((a) => a.replaceAll("$DIR", dir));
  const env = { HOME: dir, XDG_CACHE_HOME: join(dir, "cache"), ...c.env };
  const res = await runCli(args.includes("--out") ? args : ["--out", out, ...args], { cwd: dir, env }).finally(() => undo?.());
  expect(res.code, res.stderr).toBe(2);
  expect(res.stdout).toBe("");
  const lines = res.stderr.trimEnd().split("\n");
  expect(lines, res.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^carbon-track: /);
  expect(lines[0]).toMatch(c.message);
  expect(existsSync(out)).toBe(false);
  expect(existsSync(join(dir, "output"))).toBe(false);
  expect(existsSync(join(dir, "cache"))).toBe(false);
}
