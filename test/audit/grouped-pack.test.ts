import { spawn } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, runCli } from "../helpers/run-cli.js";
import { scratch } from "./pack-helpers.js";

// The demo's ml-research team emits several tonnes in any 30-day window: a 500 kg budget is exceeded (exit 4).
const grouped = ["--group-by", "tag:team", "--group-by", "account", "--budget", "team=ml-research:500"];

const replay = (pack: string, cwd: string) => runCli(["replay", pack], { cwd, env: { HOME: cwd } });
const verify = (pack: string, cwd: string) => runCli(["verify", pack], { cwd, env: { HOME: cwd } });

describe("an --audit pack of a run with --group-by and a group budget", () => {
  it.each([
    ["table", "outputs/carbon_detail.csv", 6],
    ["csv", "outputs/stdout.csv", 1],
  ] as const)("--format %s: keeps the tags, the keys and the budget, verifies and replays byte for byte", async (format, detail, outputs) => {
    const home = scratch(`grouped-${format}`);
    const pack = join(home, "pack");
    const run = await runCli(["--demo", "--stamp", "none", "--format", format, "--out", join(home, "out"), "--audit", pack, "-q", ...grouped], { cwd: home, env: { HOME: home } });
    expect(run.code, run.stderr).toBe(4);
    expect(run.stderr).toMatch(/carbon budget of tag:team=ml-research exceeded/);

    // The usage keeps each row's tags; the run's settings name the keys and the budget.
    const usage = readFileSync(join(pack, "inputs/usage.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { tags?: Record<string, string> });
    expect(usage.every((r) => typeof r.tags?.["tag:team"] === "string")).toBe(true);
    expect(new Set(usage.map((r) => r.tags!["tag:team"]))).toContain("(untagged)");
    const settings = JSON.parse(readFileSync(join(pack, "inputs/run.json"), "utf8")) as { groupKeys: { id: string; column: string }[]; groupBudgets: { key: { id: string }; value: string; kg: number }[] };
    expect(settings.groupKeys.map((k) => [k.id, k.column])).toEqual([["tag:team", "tag_team"], ["account", "account"]]);
    expect(settings.groupBudgets).toMatchObject([{ key: { id: "tag:team" }, value: "ml-research", kg: 500, perDay: false }]);
    const header = readFileSync(join(pack, detail), "utf8").split("\n", 1)[0]!;
    // account is a detail column already: only the tag adds one.
    expect(header).toMatch(/,co2_marginal_high_kg,tag_team\r?$/);
    const methodology = readFileSync(join(pack, "methodology.md"), "utf8");
    expect(methodology).toMatch(/^- Grouped by: tag:team \(column tag_team; .*\); account /m);
    expect(methodology).toMatch(/^- Group budget tag:team=ml-research: 500 kg for the window: [0-9.]+ kg of 500\.000 kg .*exceeded\.$/m);

    const checked = await verify(pack, home);
    expect(checked.code, checked.stdout + checked.stderr).toBe(0);
    const again = await replay(pack, scratch("grouped-replay"));
    expect(again.code, again.stdout + again.stderr).toBe(0);
    expect(again.stdout).toMatch(new RegExp(`^replayed: ${outputs} outputs identical byte for byte`));
  }, 120_000);

  it("of --export files: records the engine's SQL with the files and window, and replays without them", async () => {
    const home = scratch("grouped-export");
    const file = join(home, "focus.csv");
    writeFileSync(file, readFileSync(join(repoRoot, "test/fixtures/exports/focus-1.2-tags.csv")));
    const pack = join(home, "pack");
    const args = ["--export", file, "--since", "2026-10-01", "--until", "2026-10-31", "--intensity", "static", "--format", "csv", "--audit", pack, "--group-by", "tag:team"];
    const run = await runCli(args, { cwd: home, env: { HOME: home }, timeoutMs: 60_000 });
    expect(run.code, run.stderr).toBe(0);
    const manifest = JSON.parse(readFileSync(join(pack, "manifest.json"), "utf8")) as { queries: Record<string, { name: string; params: { files: string[]; window: unknown; sql: string; format: string } }[]> };
    expect(Object.keys(manifest.queries)).toEqual(["export"]);
    const [query] = manifest.queries.export!;
    expect(query!.name).toBe("DuckDB query");
    expect(query!.params.files).toEqual([file]);
    expect(query!.params.window).toEqual({ from: "2026-10-01T00:00:00Z", to: "2026-11-01T00:00:00Z" });
    expect(query!.params.format).toMatch(/FOCUS/);
    expect(query!.params.sql).toContain("read_csv(");
    expect(query!.params.sql).toContain("2026-11-01T00:00:00Z");
    expect(query!.params.sql).toMatch(/team/);
    const again = await replay(pack, scratch("grouped-export-replay"));
    expect(again.code, again.stdout + again.stderr).toBe(0);
  }, 120_000);
});

describe("a pack's temporary directory left by a killed run", () => {
  /** The id of a process that has ended. */
  async function deadPid(): Promise<number> {
    const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await new Promise((r) => child.on("close", r));
    return child.pid!;
  }

  it("is removed, with what it holds, by the next --audit run beside it; a live run's and other names stay", async () => {
    const home = scratch("pack-stale");
    const dead = await deadPid();
    const stale = [`.carbon-track-audit.pack.${dead}.0a1b2c3d.tmp`, `.carbon-track-audit.older pack.${dead}.deadbeef.tmp`];
    for (const name of stale) {
      mkdirSync(join(home, name, "outputs"), { recursive: true });
      writeFileSync(join(home, name, "outputs/stdout.txt"), "half a report");
    }
    const kept = [
      // A live process's (this test's): it may be writing its pack.
      `.carbon-track-audit.pack.${process.pid}.0a1b2c3d.tmp`,
      // Not exactly our name.
      `.carbon-track-audit.pack.${dead}.0A1B2C3D.tmp`,
      `.carbon-track-audit.${dead}.tmp`,
      `.pack.${dead}.0a1b2c3d.tmp`,
    ];
    for (const name of kept) mkdirSync(join(home, name));
    // A file or a link under our name is not a pack directory we wrote: neither is touched, nor the link's target.
    writeFileSync(join(home, `.carbon-track-audit.file.${dead}.00000000.tmp`), "x");
    mkdirSync(join(home, "target"));
    writeFileSync(join(home, "target/keep.txt"), "x");
    symlinkSync(join(home, "target"), join(home, `.carbon-track-audit.link.${dead}.11111111.tmp`));
    kept.push(`.carbon-track-audit.file.${dead}.00000000.tmp`, `.carbon-track-audit.link.${dead}.11111111.tmp`, "target");

    const run = await runCli(["--demo", "--format", "csv", "--audit", join(home, "pack"), "-q"], { cwd: home, env: { HOME: home } });
    expect(run.code, run.stderr).toBe(0);
    expect(readdirSync(home).sort()).toEqual([...kept, "pack"].sort());
    expect(readdirSync(join(home, "target"))).toEqual(["keep.txt"]);
  }, 60_000);
});
