import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { awsTestEnv } from "../sources/aws/harness.js";
import { windowArgs } from "./billing-setups.js";
import { expectOneLine, hasOpen, runChild, scratchDir, startCli, waitFor, writeInput, type Started } from "./child-cli.js";

/**
 * Interruption (docs/reliability.md "Interruption"): SIGINT or SIGTERM at any moment ends the run with exit 130 and
 * one line, puts no file in place, and leaves neither a temporary file nor an --out directory it created. The
 * latency from signal to exit is measured and only loosely bounded (a loaded machine); the 2 s promise is kept by
 * construction: the bin ends the process 2 s after the signal if the run has not.
 */

const finalNames = ["carbon_detail.csv", "carbon_detail_latest.csv", "carbon_suggestions.csv", "carbon_summary.csv", "datapackage.json"];
/** Rows enough that reading (and then estimating) takes seconds: every signal below lands mid-way. */
const bigRows = 250_000;
let big: string;
const latencies: string[] = [];

beforeAll(() => {
  big = join(scratchDir("sig-input"), "big.csv");
  writeInput(big, bigRows);
});
afterAll(() => {
  if (latencies.length > 0) console.info(`signal-to-exit latencies: ${latencies.join(", ")}`);
});

const temporary = (dir: string): boolean => existsSync(dir) && readdirSync(dir).some((f) => /^\.carbon_detail.*\.tmp$/.test(f));

/** Sends `signal` once `ready` holds (and `delayMs` more), then waits for the exit; returns it with the latency. */
async function interrupt(run: Started, signal: NodeJS.Signals, ready: () => boolean, what: string, delayMs = 0) {
  expect(await waitFor(ready, 120_000), `never reached: ${what}`).toBe(true);
  if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
  const sent = Date.now();
  run.child.kill(signal);
  const ended = await run.ended;
  const ms = Date.now() - sent;
  latencies.push(`${what} ${signal} ${ms} ms`);
  expect(ms, `${what}: ${ms} ms from signal to exit`).toBeLessThan(5_000);
  return ended;
}

const reading = (run: Started) => () => hasOpen(run.child.pid!, big);

describe("an interrupt at any moment: exit 130, one line, no file in place, no --out left behind", () => {
  const moments: { name: string; signal: NodeJS.Signals; ready: (run: Started, out: string) => () => boolean; delayMs: number }[] = [
    { name: "as the input is opened", signal: "SIGTERM", ready: (run) => reading(run), delayMs: 0 },
    { name: "200 ms into the read", signal: "SIGTERM", ready: (run) => reading(run), delayMs: 200 },
    { name: "700 ms into the read", signal: "SIGINT", ready: (run) => reading(run), delayMs: 700 },
    { name: "as the detail file is opened", signal: "SIGTERM", ready: (_run, out) => () => temporary(out), delayMs: 0 },
    { name: "300 ms into the estimation", signal: "SIGINT", ready: (_run, out) => () => temporary(out), delayMs: 300 },
    { name: "1 s into the estimation", signal: "SIGTERM", ready: (_run, out) => () => temporary(out), delayMs: 1_000 },
  ];
  for (const m of moments) {
    it(`${m.signal} ${m.name}`, async () => {
      const dir = scratchDir("sig");
      // Two levels the run creates: neither may stay.
      const out = join(dir, "new", "out");
      const run = startCli(["--input", big, "--out", out, "--stamp", "none", "--quiet"], { cwd: dir, killAfterMs: 60_000 });
      const res = await interrupt(run, m.signal, m.ready(run, out), m.name, m.delayMs);
      expect(res.code, res.stderr).toBe(130);
      expectOneLine(res.stderr, /^carbon-track: interrupted: nothing was written$/);
      expect(existsSync(join(dir, "new")), "the --out this run created is left").toBe(false);
    }, 180_000);
  }

  it("SIGTERM while estimating into an existing --out: the previous files stay, no temporary is left", async () => {
    const dir = scratchDir("sig-existing");
    const out = join(dir, "out");
    mkdirSync(out);
    for (const name of finalNames) writeFileSync(join(out, name), `previous ${name}\n`);
    const run = startCli(["--input", big, "--out", out, "--stamp", "none", "--quiet"], { cwd: dir, killAfterMs: 60_000 });
    const res = await interrupt(run, "SIGTERM", () => temporary(out), "estimating over old files", 200);
    expect(res.code, res.stderr).toBe(130);
    expectOneLine(res.stderr, /interrupted: nothing was written$/);
    expect(readdirSync(out).sort()).toEqual(finalNames);
    for (const name of finalNames) expect(readFileSync(join(out, name), "utf8")).toBe(`previous ${name}\n`);
  }, 180_000);

  it("SIGINT while a csv run streams to stdout says the data there is incomplete", async () => {
    const dir = scratchDir("sig-csv");
    const run = startCli(["--input", big, "--format", "csv", "--quiet"], { cwd: dir, killAfterMs: 60_000 });
    let seen = 0;
    run.child.stdout!.on("data", (d: Buffer) => (seen += d.length));
    const res = await interrupt(run, "SIGINT", () => seen > 0, "streaming csv", 200);
    expect(res.code, res.stderr).toBe(130);
    expectOneLine(res.stderr, /^carbon-track: interrupted: the data on stdout is incomplete$/);
  }, 180_000);

  it("SIGTERM while a provider request hangs: exit 130, not 'no provider answered'", async () => {
    const dir = scratchDir("sig-request");
    let requests = 0;
    // Takes the request and never answers: the run waits on it when the signal comes.
    const server: Server = createServer(() => requests++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const out = join(dir, "out");
      const run = startCli(["--providers", "aws", ...windowArgs, "--out", out], { cwd: dir, env: awsTestEnv(url), killAfterMs: 60_000 });
      const res = await interrupt(run, "SIGTERM", () => requests > 0, "hanging request");
      expect(res.code, res.stderr).toBe(130);
      expectOneLine(res.stderr, /^carbon-track: interrupted: nothing was written$/);
      expect(existsSync(out)).toBe(false);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  }, 180_000);
});

describe("temporary files of a run that was killed are removed by the next run in the same directory", () => {
  /** The id of a process that has ended. */
  async function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await new Promise((r) => child.on("close", r));
    return child.pid!;
  }

  it("only ours, only of processes that are gone", async () => {
    const dir = scratchDir("stale");
    const out = join(dir, "out");
    mkdirSync(out);
    const dead = await deadPid();
    const stale = [`.carbon_detail.csv.${dead}.0a1b2c3d.tmp`, `.carbon_summary_20261101.csv.${dead}.deadbeef.tmp`, `.carbon-track-probe.${dead}.00000000.tmp`];
    const kept = [
      // A live process's (this test's): it may be writing.
      `.carbon_detail.csv.${process.pid}.0a1b2c3d.tmp`,
      // Not our names, or not exactly.
      `.report.csv.${dead}.0a1b2c3d.tmp`,
      `.carbon_detail.csv.${dead}.tmp`,
      `carbon_detail.csv.${dead}.0a1b2c3d.tmp`,
      `.carbon_detail.csv.${dead}.0A1B2C3D.tmp`,
    ];
    for (const name of [...stale, ...kept]) writeFileSync(join(out, name), "x");
    // A directory under one of our names is not a file we wrote.
    mkdirSync(join(out, `.carbon_suggestions.csv.${dead}.12345678.tmp`));
    kept.push(`.carbon_suggestions.csv.${dead}.12345678.tmp`);
    const input = join(dir, "u.csv");
    writeInput(input, 20);
    const res = await runChild(["--input", input, "--out", out, "--stamp", "none", "--quiet"], { cwd: dir });
    expect(res.code, res.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual([...finalNames, ...kept].sort());
  });

  it("a run killed (SIGKILL) mid-write leaves its temporary; the next run removes it", async () => {
    const dir = scratchDir("stale-kill");
    const out = join(dir, "out");
    const run = startCli(["--input", big, "--out", out, "--stamp", "none", "--quiet"], { cwd: dir, killAfterMs: 60_000 });
    expect(await waitFor(() => temporary(out), 30_000), "the run never started writing").toBe(true);
    run.child.kill("SIGKILL");
    expect((await run.ended).signal).toBe("SIGKILL");
    expect(readdirSync(out).filter((f) => f.endsWith(".tmp"))).toHaveLength(1);
    const input = join(dir, "u.csv");
    writeInput(input, 20);
    const res = await runChild(["--input", input, "--out", out, "--stamp", "none", "--quiet"], { cwd: dir });
    expect(res.code, res.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(finalNames);
  }, 180_000);
});
