import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { run } from "../../src/pipeline/run.js";
import { createRedactor } from "../../src/text/redact.js";
import { sink } from "../helpers/sink.js";

const dir = mkdtempSync(join(tmpdir(), "ct-colour-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stream that says it is (or is not) a terminal and keeps what it is given. */

async function report(isTTY: boolean, env: NodeJS.ProcessEnv): Promise<string> {
  const stdout = sink(isTTY);
  const code = await run({ argv: ["--demo", "7", "--out", dir, "--quiet"], env, cwd: dir, now: new Date("2026-11-26T08:00:00Z"), stdout, stderr: sink(false), interrupt: new AbortController().signal }, createRedactor([]));
  expect(code).toBe(0);
  return stdout.text();
}

describe("colour is decided once: a TTY without NO_COLOR", () => {
  it("colours the report on a terminal", async () => {
    expect(await report(true, {})).toMatch(/\x1b\[/);
  });
  it("is plain with NO_COLOR, even on a terminal", async () => {
    expect(await report(true, { NO_COLOR: "1" })).not.toMatch(/\x1b\[/);
  });
  it("is plain when stdout is not a terminal", async () => {
    const text = await report(false, {});
    expect(text).not.toMatch(/\x1b\[/);
    expect(text).toContain("Daily CO2e, kg");
  });
});
