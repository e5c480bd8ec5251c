import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";

const window = ["--demo", "--since", "2026-11-01", "--until", "2026-11-14"];

describe("--format json agrees with the CSV", () => {
  it("figures carry the CSV's decimals, no float noise; powerStatus as the CSV says; when and by which version", async () => {
    const [json, csv] = await Promise.all([runCli([...window, "--format", "json"]), runCli([...window, "--format", "csv"])]);
    expect(json.code, json.stderr).toBe(0);
    expect(csv.code, csv.stderr).toBe(0);
    // No number in the whole document has more than six decimals (0.5571699999999999 had 16).
    expect(json.stdout).not.toMatch(/\d\.\d{7,}/);
    const doc = JSON.parse(json.stdout);
    const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(doc.records).toHaveLength(rows.length);
    const pairs: [string, string][] = [
      ["quantity", "quantity_hours"],
      ["powerWatts", "power_w"],
      ["intensityKgPerKwh", "intensity_kg_per_kwh"],
      ["co2eKg", "co2e_kg"],
      ["facilityEnergyKwh", "facility_energy_kwh"],
      ["embodiedKg", "embodied_kg"],
    ];
    doc.records.forEach((rec: Record<string, unknown>, i: number) => {
      const row = rows[i]!;
      expect(rec.powerStatus).toBe(row.power_status);
      for (const [key, col] of pairs) {
        if (rec[key] === null) expect(row[col]).toBe("");
        else expect(rec[key], `${key} of record ${i}`).toBe(Number(row[col]));
      }
    });
    expect(doc.records.some((r: { powerStatus: string }) => r.powerStatus === "ok")).toBe(true);
    expect(Date.parse(doc.generatedAt)).not.toBeNaN();
    expect(doc.toolVersion).toMatch(/^\d+\.\d+\.\d+/);
    // Existing keys stay where readers expect them.
    expect(Object.keys(doc).slice(0, 4)).toEqual(["schemaVersion", "period", "options", "records"]);
  }, 60_000);
});
