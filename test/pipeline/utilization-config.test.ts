import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { expectRefused } from "../helpers/bad-input.js";
import { repoRoot, runCli } from "../helpers/run-cli.js";

const header = "provider,account,region,instance_type,unit,quantity_hours,period_start,period_end,estimated,cost,currency";
const usage = [
  header,
  "aws,111122223333,us-east-1,p5.48xlarge,instance-hour,24,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false,,",
  "aws,444455556666,us-east-1,p5.48xlarge,instance-hour,24,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false,,",
  "aws,444455556666,eu-west-1,g5.xlarge,instance-hour,24,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false,,",
  "gcp,serving,us-central1,g2-standard-8,instance-hour,24,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false,,",
].join("\n");

const config = {
  utilization: {
    rules: [
      { name: "tagged", tags: { team: "research" }, u: "max" },
      { name: "training account", provider: "aws", account: "111122223333", u: "training" },
      { name: "serving in Europe", region: "eu-west-1", u: "online-inference" },
      { instanceType: "g2-standard-8", u: 0.2 },
    ],
  },
  embodied: { lifetimeYears: 4, occupancy: 1 },
};

type Row = Record<string, string>;

async function run(extra: string[], withConfig = true): Promise<Row[]> {
  const dir = mkdtempSync(join(tmpdir(), "ct-rules-"));
  writeFileSync(join(dir, "usage.csv"), usage);
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  const args = ["--input", join(dir, "usage.csv"), "--format", "csv", ...(withConfig ? ["--config", join(dir, "config.json")] : []), ...extra];
  const res = await runCli(args);
  expect(res.code, res.stderr).toBe(0);
  return parse(res.stdout, { columns: true }) as Row[];
}

describe("utilisation rules in the config file", () => {
  it("set u per account, region and instance type, first match winning, and each row names its rule", async () => {
    const rows = await run([]);
    const by = (account: string, type: string) => rows.find((r) => r.account === account && r.instance_type === type)!;
    expect(by("111122223333", "p5.48xlarge")).toMatchObject({ utilization_rule: "training account", gpu_utilization: "0.900" });
    // No rule for this account: --gpu-util's default.
    expect(by("444455556666", "p5.48xlarge")).toMatchObject({ utilization_rule: "default", gpu_utilization: "0.500" });
    expect(by("444455556666", "g5.xlarge")).toMatchObject({ utilization_rule: "serving in Europe", gpu_utilization: "0.250" });
    // An unnamed rule is named by its position.
    expect(by("serving", "g2-standard-8")).toMatchObject({ utilization_rule: "rules[3]", gpu_utilization: "0.200" });
    expect(rows).toHaveLength(4);
    // The band follows the rule's u: training (0.9) is bounded by 0.5 and 1.
    expect(by("111122223333", "p5.48xlarge").band_covers).toMatch(/^utilization 0\.5-1 \(neighbouring presets\); pue -3\/\+5 %; intensity -25\/\+25 %$/);
  });

  it("embodied lifetime and occupancy come from the config; --no-embodied leaves the columns empty", async () => {
    const [configured, shipped, none] = [await run([]), await run([], false), await run(["--no-embodied"])];
    const p5 = (rows: Row[]) => rows.find((r) => r.account === "111122223333")!;
    // 4 years at 1.0 occupancy instead of 6 at 0.85
    expect(Number(p5(configured).embodied_kg) / Number(p5(shipped).embodied_kg)).toBeCloseTo((6 * 0.85) / 4, 4);
    expect(Number(p5(shipped).embodied_kg)).toBeCloseTo((24 * 3700) / (6 * 8760 * 0.85), 5);
    expect(p5(none).embodied_kg).toBe("");
    expect(p5(none).embodied_low_kg).toBe("");
    // Operational figures never include embodied ones.
    expect(p5(none).co2e_kg).toBe(p5(configured).co2e_kg);
  });

  it("totals carry embodied beside operational figures in the summary CSV, markdown and JSON; --no-embodied drops them", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ct-embodied-"));
    writeFileSync(join(dir, "usage.csv"), usage);
    const base = ["--input", join(dir, "usage.csv"), "--stamp", "none"];
    const md = await runCli([...base, "--format", "markdown", "--out", join(dir, "out")]);
    expect(md.code, md.stderr).toBe(0);
    const rows = parse(readFileSync(join(dir, "out", "carbon_detail.csv"), "utf8"), { columns: true }) as Row[];
    const summary = parse(readFileSync(join(dir, "out", "carbon_summary.csv"), "utf8"), { columns: true }) as Row[];
    const sum = (list: Row[]) => list.reduce((a, r) => a + Number(r.embodied_kg), 0);
    expect(sum(summary)).toBeCloseTo(sum(rows), 4);
    expect(md.stdout).toMatch(/- Embodied \(manufacturing, apart from CO2e\): [\d.,]+ kg \(band [\d.,]+ – [\d.,]+ kg; amortised over 6 years at 0\.85 occupancy\)/);

    const json = JSON.parse((await runCli([...base, "--format", "json"])).stdout);
    expect(json.summary.totals.embodiedKg).toBeCloseTo(sum(rows), 4);
    expect(json.options.embodied).toEqual({ lifetimeYears: 6, occupancy: 0.85 });
    const without = JSON.parse((await runCli([...base, "--format", "json", "--no-embodied"])).stdout);
    expect(without.options.embodied).toBeNull();
    expect(without.summary.totals.embodiedKg).toBe(0);
    expect(without.summary.totals.co2eKg).toBe(json.summary.totals.co2eKg);
  });

  it("the report header says what set u besides the default", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ct-header-"));
    writeFileSync(join(dir, "usage.csv"), usage);
    writeFileSync(join(dir, "config.json"), JSON.stringify(config));
    const measured = join(repoRoot, "test/fixtures/utilization/dcgm.csv");
    const args = ["--input", join(dir, "usage.csv"), "--config", join(dir, "config.json"), "--utilization", measured, "--out", join(dir, "out")];
    const md = await runCli([...args, "--format", "markdown"]);
    expect(md.code, md.stderr).toBe(0);
    expect(md.stdout).toContain(`GPU utilization u = 0.5 (default; 4 config rules; measured: ${measured.replaceAll("_", "\\_")})`);
    const table = await runCli([...args, "--format", "table"]);
    expect(table.stdout).toContain(`u = 0.5 (default; 4 config rules; measured: ${measured})`);
  });

  it("a rule with an unknown preset is refused before anything is created", () =>
    expectRefused({
      name: "bad preset",
      args: ["--input", "$DIR/usage.csv", "--config", "$DIR/config.json"],
      files: { "usage.csv": usage, "config.json": JSON.stringify({ utilization: { rules: [{ account: "1", u: "busy" }] } }) },
      message: /utilization\.rules\.0\.u/,
    }));

  it("an occupancy above 1 is refused before anything is created", () =>
    expectRefused({
      name: "bad occupancy",
      args: ["--input", "$DIR/usage.csv", "--config", "$DIR/config.json"],
      files: { "usage.csv": usage, "config.json": JSON.stringify({ embodied: { occupancy: 1.5 } }) },
      message: /embodied\.occupancy/,
    }));
});
