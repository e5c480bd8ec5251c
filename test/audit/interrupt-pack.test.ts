import { spawn } from "node:child_process";
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { offlineGridEnv } from "../helpers/offline-grid.js";
import { binPath } from "../helpers/run-cli.js";
import { usageHeader } from "../helpers/usage-csv.js";
import { scratch } from "./pack-helpers.js";

describe("an interrupted run with --audit", () => {
  it("leaves neither the pack nor its temporary directory", async () => {
    const dir = scratch("sigint");
    const lines = [usageHeader];
    for (let i = 0; i < 120_000; i++) {
      const day = new Date(Date.UTC(2026, 0, 1) + (i % 300) * 86_400_000).toISOString().slice(0, 10);
      const next = new Date(Date.parse(day) + 86_400_000).toISOString().slice(0, 10);
      lines.push(`aws,${100000000000 + Math.floor(i / 300)},us-east-1,p5.48xlarge,instance-hour,1,${day}T00:00:00Z,${next}T00:00:00Z,false,,`);
    }
    writeFileSync(join(dir, "u.csv"), lines.join("\n"));
    const child = spawn(process.execPath, [binPath, "--input", "u.csv", "--out", "out", "--audit", "pack", "--stamp", "none", "--intensity", "static"], { cwd: dir, env: { PATH: process.env.PATH ?? "", HOME: dir, ...offlineGridEnv() } });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    // Signalled once the pack's temporary directory exists beside it: the run is estimating and writing.
    let running = true;
    void closed.then(() => (running = false));
    while (running && !readdirSync(dir).some((f) => /^\.carbon-track-audit\.pack\.\d+\.[0-9a-f]{8}\.tmp$/.test(f))) await new Promise((r) => setTimeout(r, 5));
    child.kill("SIGINT");
    const code = await closed;
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/interrupted: nothing was written/);
    expect(readdirSync(dir)).toEqual(["u.csv"]);
  }, 120_000);
});
