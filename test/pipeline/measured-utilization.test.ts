import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { expectRefused } from "../helpers/bad-input.js";
import { repoRoot, runCli } from "../helpers/run-cli.js";

const header = "provider,account,region,instance_type,unit,quantity_hours,period_start,period_end,estimated,cost,currency";
const usage = [
  header,
  "aws,111122223333,us-east-1,p5.48xlarge,instance-hour,24,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false,,",
  "aws,111122223333,us-east-1,p5.48xlarge,instance-hour,24,2026-10-02T00:00:00Z,2026-10-03T00:00:00Z,false,,",
  "aws,111122223333,us-east-1,g5.xlarge,instance-hour,24,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false,,",
  "azure,3f2c8a91-5d0e-4c7b-9a61-2e8f4b7d1c05,eastus,Standard_ND96isr_H100_v5,instance-hour,24,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false,,",
  "gcp,train-project,us-central1,a3-highgpu-8g,instance-hour,24,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false,,",
].join("\n");

type Row = Record<string, string>;
const keyOf = (r: Row): string => `${r.instance_type}@${r.period_start}`;
let input: string;
let baseline: Map<string, Row>;

async function detail(extra: string[]): Promise<Map<string, Row>> {
  const res = await runCli(["--input", input, "--format", "csv", ...extra]);
  expect(res.code, res.stderr).toBe(0);
  return new Map((parse(res.stdout, { columns: true }) as Row[]).map((r) => [keyOf(r), r]));
}

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "ct-measured-"));
  input = join(dir, "usage.csv");
  writeFileSync(input, usage);
  baseline = await detail([]);
});

const fixture = (name: string): string => join(repoRoot, "test/fixtures/utilization", name);

// Each exporter's file (docs/methodology.md shows the command that writes it) covers one instance type on 2026-10-01.
const cases = [
  // nvidia-smi: mean 400 W per H100 (the [N/A] sample is skipped) → u = (400 − 70) / (700 − 70)
  { format: "nvidia-smi --query-gpu", file: "nvidia-smi.csv", covers: "p5.48xlarge@2026-10-01T00:00:00Z", u: 330 / 630 },
  // DCGM_FI_DEV_POWER_USAGE: mean 650 W → u = 580 / 630
  { format: "DCGM (Prometheus export)", file: "dcgm.csv", covers: "p5.48xlarge@2026-10-01T00:00:00Z", u: 580 / 630 },
  // CloudWatch agent nvidia_smi_utilization_gpu 40 %
  { format: "CloudWatch agent", file: "cloudwatch.csv", covers: "p5.48xlarge@2026-10-01T00:00:00Z", u: 0.4 },
  // Azure Monitor (Log Analytics): mean of 20 % (az CLI's ISO time) and 30 % (the portal's "10/1/2026, 6:00:00.000 PM")
  { format: "Azure Monitor", file: "azure-monitor.csv", covers: "Standard_ND96isr_H100_v5@2026-10-01T00:00:00Z", u: 0.25 },
  // Cloud Monitoring (Ops Agent gpu/utilization), provider-qualified
  { format: "Cloud Monitoring", file: "cloud-monitoring.csv", covers: "a3-highgpu-8g@2026-10-01T00:00:00Z", u: 0.95 },
];

describe("--utilization: measured GPU load wins over the preset for exactly the rows it covers", () => {
  it.each(cases)("$format ($file)", async (c) => {
    const measured = await detail(["--utilization", fixture(c.file)]);
    expect(measured.size).toBe(baseline.size);
    for (const [key, before] of baseline) {
      const after = measured.get(key)!;
      if (key === c.covers) {
        expect(after.power_basis).toBe("measured");
        expect(after.utilization_rule).toBe("measured");
        expect(Number(after.gpu_utilization)).toBeCloseTo(c.u, 3);
        expect(after.power_w).not.toBe(before.power_w);
        expect(after.power_source).toMatch(/^measured \(/);
        expect(after.band_covers).toMatch(/^utilization .* \(measured /);
        // Embodied emissions do not depend on load.
        expect(after.embodied_kg).toBe(before.embodied_kg);
      } else {
        expect(after, key).toEqual(before);
      }
    }
  });

  it("rows without a measurement keep the published basis and the default rule", () => {
    const g5 = baseline.get("g5.xlarge@2026-10-01T00:00:00Z")!;
    expect(g5.power_basis).toBe("published");
    expect(g5.utilization_rule).toBe("default");
  });
});

describe("--utilization with hourly usage rows", () => {
  it("an hourly row takes its hour's mean where the file has one, else its day's", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ct-measured-hourly-"));
    const hour = (h: number) => `2026-10-01T${String(h).padStart(2, "0")}:00:00Z`;
    const rows = [10, 11, 12].map((h) => `aws,111122223333,us-east-1,p5.48xlarge,instance-hour,1,${hour(h)},${hour(h + 1)},false,,`);
    writeFileSync(join(dir, "usage.csv"), [header, ...rows].join("\n"));
    // 10:00 at 385 W per GPU (u = 0.5), 11:00 at 700 W (u = 1): the day's mean is 542.5 W (u = 0.75).
    writeFileSync(join(dir, "gpu.csv"), "instance_type,timestamp,power.draw [W]\np5.48xlarge,2026-10-01T10:30:00Z,385\np5.48xlarge,2026-10-01T11:30:00Z,700\n");
    const res = await runCli(["--input", join(dir, "usage.csv"), "--utilization", join(dir, "gpu.csv"), "--granularity", "hourly", "--format", "csv"]);
    expect(res.code, res.stderr).toBe(0);
    const u = (parse(res.stdout, { columns: true }) as Row[]).map((r) => [r.period_start, Number(r.gpu_utilization)]);
    expect(u).toEqual([
      [hour(10), 0.5],
      [hour(11), 1],
      [hour(12), 0.75],
    ]);
  });
});

describe("--utilization is checked like --input: exit 2, one line, nothing created", () => {
  const common = { files: { "usage.csv": usage } };
  it.each([
    { name: "a directory", args: ["--input", "$DIR/usage.csv", "--utilization", "$DIR/dir"], files: { ...common.files, "dir/": "" }, message: /--utilization .*dir is not a regular file/ },
    { name: "a missing file", args: ["--input", "$DIR/usage.csv", "--utilization", "$DIR/none.csv"], ...common, message: /--utilization .*none\.csv cannot be read \(ENOENT\)/ },
    {
      name: "no value column",
      args: ["--input", "$DIR/usage.csv", "--utilization", "$DIR/u.csv"],
      files: { ...common.files, "u.csv": "timestamp,instance_type,temperature\n2026-10-01T00:00:00Z,p5.48xlarge,60\n" },
      message: /needs a timestamp, an instance_type and a power\.draw \[W\] or utilization\.gpu \[%\] column/,
    },
    {
      name: "a percentage above 100",
      args: ["--input", "$DIR/usage.csv", "--utilization", "$DIR/u.csv"],
      files: { ...common.files, "u.csv": "timestamp,instance_type,utilization.gpu [%]\n2026-10-01T00:00:00Z,p5.48xlarge,140 %\n" },
      message: /line 2: "140 %" is not a GPU utilisation in percent \(0-100\)/,
    },
    {
      name: "a bad timestamp",
      args: ["--input", "$DIR/usage.csv", "--utilization", "$DIR/u.csv"],
      files: { ...common.files, "u.csv": "timestamp,instance_type,power.draw [W]\nyesterday,p5.48xlarge,300 W\n" },
      message: /line 2: "yesterday" is not a timestamp/,
    },
  ])("$name", (c) => expectRefused(c));
});
