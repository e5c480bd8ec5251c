import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { binPath } from "../helpers/run-cli.js";
import { scratch } from "./billing-setups.js";
import { offlineGridEnv } from "../helpers/offline-grid.js";

const finalNames = ["carbon_detail.csv", "carbon_summary.csv", "carbon_suggestions.csv", "carbon_detail_latest.csv"];
const rowsWanted = 150_000;

/** An --input large enough that writing the detail CSV (about 100 MB) takes a moment. */
function bigInput(path: string): void {
  const lines = ["provider,account,region,instance_type,unit,quantity_hours,period_start,period_end,estimated"];
  const day0 = Date.parse("2026-08-01T00:00:00Z");
  const iso = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");
  for (let a = 0; lines.length <= rowsWanted; a++) {
    for (let d = 0; d < 100; d++) lines.push(`aws,${100000000000 + a},us-east-1,p5.48xlarge,instance-hour,24,${iso(day0 + d * 864e5)},${iso(day0 + (d + 1) * 864e5)},false`);
  }
  writeFileSync(path, lines.join("\n"));
}

describe("atomic output", () => {
  it("a run killed mid-write leaves the previous files intact and nothing partial under a final name (built CLI)", async () => {
    const dir = scratch("atomic");
    const out = join(dir, "out");
    mkdirSync(out);
    const input = join(dir, "big.csv");
    bigInput(input);
    const previous = Object.fromEntries(finalNames.map((name) => [name, `previous run's ${name}\r\n`]));
    for (const [name, text] of Object.entries(previous)) writeFileSync(join(out, name), text);

    const child = spawn(process.execPath, [binPath, "--input", input, "--out", out, "--stamp", "none"], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, ...offlineGridEnv() },
      stdio: "ignore",
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on("exit", (_code, signal) => resolve(signal)));
    // Kill the moment the first file is being written: its temporary name appears beside the final ones (or, were
    // the writer not atomic, the final file itself starts to change).
    const detailPath = join(out, "carbon_detail.csv");
    let writing = false;
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline && child.exitCode === null) {
      writing = readdirSync(out).some((f) => /^\.carbon_detail.*\.tmp$/.test(f)) || statSync(detailPath).size !== previous["carbon_detail.csv"]!.length;
      if (writing) break;
      await new Promise((r) => setTimeout(r, 2));
    }
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect(writing, "the run never started writing within 30 s").toBe(true);

    for (const name of finalNames) expect(readFileSync(join(out, name), "utf8"), name).toBe(previous[name]);
    // Only the final names and, at most, the killed run's temporary file: no other file under a final-looking name.
    const others = readdirSync(out).filter((f) => !finalNames.includes(f));
    for (const f of others) expect(f).toMatch(/^\.carbon_detail\.csv\.\d+\.[0-9a-f]+\.tmp$/);
  });
});
