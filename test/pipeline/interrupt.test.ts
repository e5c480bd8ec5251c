import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "../../src/cli/main.js";
import { binPath } from "../helpers/run-cli.js";
import { offlineGridEnv } from "../helpers/offline-grid.js";
import { sink } from "../helpers/sink.js";


describe("an interrupted run writes nothing", () => {
  it("exits 130 and creates no output when the run is interrupted", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ct-int-"));
    const interrupt = new AbortController();
    interrupt.abort();
    const [stdout, stderr] = [sink(), sink()];
    const code = await main({ argv: ["7", "--demo", "--out", join(dir, "out")], env: {}, cwd: dir, now: new Date("2026-11-26T08:00:00Z"), stdout, stderr, interrupt: interrupt.signal });
    expect(code).toBe(130);
    expect(stderr.text()).toMatch(/interrupted: nothing was written/);
    expect(stdout.text()).toBe("");
    expect(existsSync(join(dir, "out"))).toBe(false);
  });

  it("SIGINT during a long --input run leaves no file under a final name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ct-sigint-"));
    const file = join(dir, "u.csv");
    const lines = ["provider,account,region,instance_type,unit,quantity_hours,period_start,period_end,estimated"];
    for (let i = 0; i < 120_000; i++) {
      const day = new Date(Date.UTC(2026, 0, 1) + (i % 300) * 86_400_000).toISOString().slice(0, 10);
      const next = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
      lines.push(`aws,${100000000000 + Math.floor(i / 300)},us-east-1,p5.48xlarge,instance-hour,1,${day}T00:00:00Z,${next}T00:00:00Z,false`);
    }
    writeFileSync(file, lines.join("\n"));
    const out = join(dir, "out");
    const child = spawn(process.execPath, [binPath, "--input", file, "--out", out, "--stamp", "none"], { env: { PATH: process.env.PATH ?? "", HOME: dir, ...offlineGridEnv() } });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    // Signal once the run is under way (its temporary detail file exists), not after a fixed delay: on a loaded
    // machine Node may not have started, and its default SIGINT handler would kill it with no exit code.
    let running = true;
    void closed.then(() => (running = false));
    while (running && !(existsSync(out) && readdirSync(out).some((f) => f.endsWith(".tmp")))) await new Promise((r) => setTimeout(r, 5));
    child.kill("SIGINT");
    const code = await closed;
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted: nothing was written/);
    const left = existsSync(out) ? readdirSync(out) : [];
    expect(left).toEqual([]);
  });
});
