import { createHash } from "node:crypto";
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { repoRoot } from "../helpers/run-cli.js";
import { usageHeader } from "../helpers/usage-csv.js";
import { scratch } from "./pack-helpers.js";

// One row with a cost, which the helper's rows do not carry.
const usage = (): string => `${[usageHeader, ...rows].join("\n")}\n`;
const rows = [
  "aws,111122223333,us-east-1,p5.48xlarge,instance-hour,24,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false,,",
  "aws,111122223333,us-west-2,g6.12xlarge,instance-hour,24,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false,12.5,USD",
];

describe("a pack of an --input run with a config file and measured utilisation", () => {
  it("replays byte for byte once the input, the config and the measurements are gone", async () => {
    const dir = scratch("input");
    writeFileSync(join(dir, "usage.csv"), usage());
    cpSync(join(repoRoot, "test/fixtures/utilization/nvidia-smi.csv"), join(dir, "gpu.csv"));
    writeFileSync(join(dir, "cfg.json"), JSON.stringify({ embodied: { lifetimeYears: 5 }, catalog: { gpus: { L4: { tdpW: 75, source: "test override" } } } }));
    const args = ["--input", "usage.csv", "--since", "2026-10-01", "--until", "2026-10-01", "--config", "cfg.json", "--utilization", "gpu.csv", "--stamp", "date", "--audit", "pack", "--out", "out", "-q"];
    const run = await runCli(args, { cwd: dir, env: { HOME: dir } });
    expect(run.code, run.stderr).toBe(0);
    // The measurements and the overrides are in the pack: the run's detail shows both took effect.
    expect(readFileSync(join(dir, "pack/inputs/utilization.csv"))).toEqual(readFileSync(join(dir, "gpu.csv")));
    expect(readFileSync(join(dir, "pack/inputs/configuration.json"), "utf8")).toContain('"lifetimeYears": 5');
    const sources = JSON.parse(readFileSync(join(dir, "pack/factors/sources.json"), "utf8")) as { file: string; source: string; sha256: string }[];
    const hash = (name: string): string => createHash("sha256").update(readFileSync(join(dir, name))).digest("hex");
    expect(sources.find((f) => f.file === "inputs/utilization.csv")).toEqual({ file: "inputs/utilization.csv", source: "the --utilization file gpu.csv", sha256: hash("gpu.csv") });
    expect(sources.find((f) => f.file === "inputs/configuration.json")?.sha256).toBe(hash("cfg.json"));
    expect(sources.find((f) => f.file === "factors/catalog.json")?.sha256).toBe(hash("pack/factors/catalog.json"));
    const detail = readdirSync(join(dir, "pack/outputs")).find((n) => /^carbon_detail_\d{8}\.csv$/.test(n))!;
    expect(readFileSync(join(dir, "pack/outputs", detail), "utf8")).toMatch(/measured \(gpu\.csv/);
    for (const gone of ["usage.csv", "gpu.csv", "cfg.json", "out"]) rmSync(join(dir, gone), { recursive: true });
    const res = await runCli(["replay", join(dir, "pack")], { cwd: scratch("elsewhere"), env: { HOME: dir } });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^replayed: 6 outputs identical byte for byte .*2 usage rows/);
  }, 60_000);

  it("a run that writes nothing leaves no pack and no temporary beside it", async () => {
    const dir = scratch("nothing");
    writeFileSync(join(dir, "usage.csv"), usage());
    const res = await runCli(["--input", "usage.csv", "--since", "2026-11-01", "--until", "2026-11-02", "--audit", "pack", "--out", "out"], { cwd: dir, env: { HOME: dir } });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/no usage in the window: nothing was written/);
    expect(readdirSync(dir)).toEqual(["usage.csv"]);
  }, 30_000);
});
