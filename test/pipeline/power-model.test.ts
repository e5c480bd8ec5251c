import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildCatalog, lookupInstance } from "../../src/config/catalog.js";
import { buildPowerModel, gibToGb, powerAt } from "../../src/calc/power.js";
import { utilizationBand } from "../../src/calc/utilization.js";

const catalog = buildCatalog(JSON.parse(readFileSync("config/catalog.json", "utf8")), undefined, "config/catalog.json");

function model(provider: "aws" | "azure" | "gcp", type: string) {
  const spec = lookupInstance(catalog, provider, type);
  if (!spec) throw new Error(`${type} missing`);
  const m = buildPowerModel(catalog, provider, spec);
  if (!m.ok) throw new Error(`${type} has no TDP`);
  return m.model;
}

describe("power model (POWER-MODEL.md)", () => {
  it("p5.48xlarge by hand: 8 x H100 at u = 0.5, EPYC Milan host, 2048 GiB", () => {
    const gpu = 8 * (70 + 0.5 * (700 - 70)); // 3080 W
    const cpu = 192 * (0.45 + 0.5 * (2.02 - 0.45)); // 237.12 W
    const memory = gibToGb(2048) * 0.392; // 861.97 W
    expect(powerAt(model("aws", "p5.48xlarge"), 0.5)).toBeCloseTo(gpu + cpu + memory, 6);
  });

  it("p5.48xlarge for 1 h at u = 0.5 and PUE 1.15 is 4.74 ± 0.25 kWh of facility energy", () => {
    const facilityKwh = (powerAt(model("aws", "p5.48xlarge"), 0.5) * 1) / 1000 * 1.15;
    expect(Math.abs(facilityKwh - 4.74)).toBeLessThanOrEqual(0.25);
  });

  it.each([
    ["p5.48xlarge", 4120, 6640],
    ["p4d.24xlarge", 2470, 3870],
    ["g5.12xlarge", 760, 1330],
    ["g6.12xlarge", 310, 420],
  ])("%s matches the test vectors within 5 %%", (type, at50, at100) => {
    const m = model("aws", type);
    expect(powerAt(m, 0.5) / at50).toBeGreaterThan(0.95);
    expect(powerAt(m, 0.5) / at50).toBeLessThan(1.05);
    expect(powerAt(m, 1) / at100).toBeGreaterThan(0.95);
    expect(powerAt(m, 1) / at100).toBeLessThan(1.05);
  });

  it("every catalog entry with a published TDP draws at least its GPUs' TDP at u = 1", () => {
    let checked = 0;
    for (const provider of ["aws", "azure", "gcp"] as const) {
      for (const [type, spec] of catalog.instances[provider]) {
        const gpu = catalog.gpus.get(spec.gpu)!;
        const m = buildPowerModel(catalog, provider, spec);
        if (gpu.tdpW === null) {
          expect(m.ok, type).toBe(false);
          continue;
        }
        expect(m.ok, type).toBe(true);
        if (!m.ok) continue;
        expect(powerAt(m.model, 1), type).toBeGreaterThanOrEqual(spec.gpuCount * gpu.tdpW - 1e-9);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("p5.48xlarge stays under the DGX H100 maximum input of 10.2 kW at u = 1", () => {
    expect(powerAt(model("aws", "p5.48xlarge"), 1)).toBeLessThan(10_200);
  });

  it("SageMaker ml. types resolve to the EC2 hardware", () => {
    expect(lookupInstance(catalog, "aws", "ml.p4d.24xlarge")).toBe(lookupInstance(catalog, "aws", "p4d.24xlarge"));
  });

  it("the band is the neighbouring presets", () => {
    expect(utilizationBand(0.5)).toEqual({ low: 0.3, high: 0.9 });
    expect(utilizationBand(0)).toEqual({ low: 0, high: 0.3 });
    expect(utilizationBand(1)).toEqual({ low: 0.9, high: 1 });
    expect(utilizationBand(0.9)).toEqual({ low: 0.5, high: 1 });
  });
});
