import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";

const header = "provider,account,region,instance_type,unit,quantity_hours,period_start,period_end,estimated,cost,currency";

describe("--input: usage rows in the normalized schema", () => {
  it("gives kWh and CO2e derived by hand for three rows", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ct-input-"));
    const file = join(dir, "usage.csv");
    writeFileSync(
      file,
      [
        header,
        // 2 h of g6.12xlarge in us-east-2 (PUE 1.13, annual marginal 557.0 g/kWh)
        "aws,111122223333,us-east-2,g6.12xlarge,instance-hour,2,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false,9.2,USD",
        // 10 GPU-hours of an N1-attached T4 in us-east1 (PUE 1.1, 725.76 g/kWh): GPU only, no host
        "gcp,vision-serving,us-east1,nvidia-tesla-t4,gpu-hour,10,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false,,",
        // 1 h of an unknown type: hours kept, energy unknown
        "azure,3f2c8a91-5d0e-4c7b-9a61-2e8f4b7d1c05,eastus,Standard_ZZ99_v9,instance-hour,1,2026-10-01T00:00:00Z,2026-10-02T00:00:00Z,false,,",
      ].join("\n"),
    );
    const res = await runCli(["--input", file, "--format", "csv"]);
    expect(res.code).toBe(0);
    const rows = parse(res.stdout, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(3);

    // g6.12xlarge: 4 x L4 (72 W TDP, 15 W idle) on a PCIe platform (4 % + 6 % x u of TDP, 6 % PSU loss),
    // 48 vCPU EPYC Milan at u_cpu = 0.1 + 0.9 x u, 192 GiB of which 2 GB per vCPU is in the CPU figure
    const g6Gpus = 4 * (15 + 0.5 * (72 - 15));
    const g6Watts =
      g6Gpus + 1.06 * 288 * (0.04 + 0.06 * 0.5) + 0.06 * g6Gpus + 48 * (0.45 + 0.55 * (2.02 - 0.45)) + (192 * 1.073741824 - 96) * 0.392;
    const g6Kwh = (g6Watts * 2) / 1000;
    const g6 = rows.find((r) => r.instance_type === "g6.12xlarge")!;
    expect(Number(g6.power_w)).toBeCloseTo(g6Watts, 1);
    expect(Number(g6.energy_kwh)).toBeCloseTo(g6Kwh, 5);
    expect(Number(g6.facility_energy_kwh)).toBeCloseTo(g6Kwh * 1.13, 5);
    // Both signals in the row; the location-based one leads by default (us-east-1: 396.25 g average, 557 g marginal).
    expect(Number(g6.co2e_kg)).toBeCloseTo(g6Kwh * 1.13 * 0.39625, 5);
    expect(g6.intensity_source).toBe("fallback:electricitymaps-annual-average@2024");
    expect(g6.co2e_location_kg).toBe(g6.co2e_kg);
    expect(g6.location_note).toBe("annual average (EIA_API_KEY not set)");
    expect(g6.location_matching).toBe("annual");
    expect(Number(g6.co2_marginal_kg)).toBeCloseTo(g6Kwh * 1.13 * 0.557, 5);
    expect(g6.marginal_source).toBe("fallback:watttime-annual-marginal@2024");
    expect(g6.marginal_note).toBe("no WattTime credentials");

    // T4: 8 W idle, 70 W TDP → 39 W at u = 0.5, plus its PCIe platform share 1.06 × 70 × 0.07 + 0.06 × 39 W; 10 h
    const t4Watts = 39 + 1.06 * 70 * (0.04 + 0.06 * 0.5) + 0.06 * 39;
    const t4 = rows.find((r) => r.instance_type === "nvidia-tesla-t4")!;
    expect(Number(t4.power_w)).toBeCloseTo(t4Watts, 1);
    expect(Number(t4.energy_kwh)).toBeCloseTo(t4Watts / 100, 5);
    expect(Number(t4.co2e_kg)).toBeCloseTo((t4Watts / 100) * 1.1 * 0.57577, 5);
    expect(Number(t4.co2_marginal_kg)).toBeCloseTo((t4Watts / 100) * 1.1 * 0.72576, 5);

    const unknown = rows.find((r) => r.instance_type === "Standard_ZZ99_v9")!;
    expect(unknown.power_status).toBe("unknown-type");
    expect(unknown.co2e_kg).toBe("");
    expect(unknown.quantity_hours).toBe("1.000000");
    expect(res.stderr).toMatch(/Standard_ZZ99_v9 is not in the catalog/);
  });

  it("the demo detail CSV is byte-identical across runs and nothing else is on stdout", async () => {
    const args = ["--demo", "--since", "2026-10-01", "--until", "2026-10-31", "--format", "csv"];
    const [a, b] = [await runCli(args), await runCli(args)];
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout.split("\r\n")[0]).toMatch(/^provider,account,region,instance_type,unit,quantity_hours,/);
    const rows = parse(a.stdout, { columns: true }) as Record<string, string>[];
    const numeric = ["quantity_hours", "cost", "power_w", "energy_kwh", "pue", "facility_energy_kwh", "intensity_kg_per_kwh", "co2e_kg", "co2e_high_kg"];
    for (const row of rows) for (const c of numeric) expect(row[c], c).toMatch(/^(-?\d+(\.\d{1,6})?)?$/);
  });

  it("carbon-track 30 --demo prints the tables and writes both CSVs", async () => {
    const out = mkdtempSync(join(tmpdir(), "ct-out-"));
    const res = await runCli(["30", "--demo", "--out", out]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/CO2e by region and instance type/);
    expect(res.stdout).toMatch(/Intensity provenance per region/);
    expect(res.stdout).not.toMatch(/\x1b\[/);
    const files = readdirSync(out).sort();
    expect(files.some((f) => /^carbon_detail_\d{8}_\d{6}\.csv$/.test(f))).toBe(true);
    expect(files.some((f) => /^carbon_summary_\d{8}_\d{6}\.csv$/.test(f))).toBe(true);
    const detail = readFileSync(join(out, files.find((f) => f.startsWith("carbon_detail_2"))!), "utf8");
    expect(detail.split("\r\n").length).toBeGreaterThan(30 * 15);
  });
});
