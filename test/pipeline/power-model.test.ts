import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { buildCatalog, lookupInstance } from "../../src/config/catalog.js";
import { embodiedPerHour } from "../../src/calc/embodied.js";
import { buildPowerModel, gibToGb, powerAt, utilizationFromGpuWatts } from "../../src/calc/power.js";
import { matchRule, utilizationBand, utilizationPresets, type UtilizationRule } from "../../src/calc/utilization.js";

const catalog = buildCatalog(JSON.parse(readFileSync("config/catalog.json", "utf8")), undefined, "config/catalog.json");
const calibration = JSON.parse(readFileSync("test/fixtures/power/calibration.json", "utf8")) as {
  vectors: { provider: "aws" | "azure" | "gcp"; instanceType: string; preset: keyof typeof utilizationPresets; expectedW: number; tolerance: number; source: string }[];
};

function model(provider: "aws" | "azure" | "gcp", type: string) {
  const spec = lookupInstance(catalog, provider, type);
  if (!spec) throw new Error(`${type} missing`);
  const m = buildPowerModel(catalog, provider, spec);
  if (!m.ok) throw new Error(`${type} has no TDP`);
  return m.model;
}

describe("power model (docs/methodology.md)", () => {
  it("p5.48xlarge by hand: 8 x H100, HGX platform with PSU loss, EPYC Milan host following u, memory above 2 GB per vCPU", () => {
    const u = 0.9;
    const gpu = 8 * (70 + u * (700 - 70));
    const platform = 1.06 * 5600 * (0.08 + 0.095 * u) + 0.06 * gpu;
    const cpu = 192 * (0.45 + (0.1 + 0.9 * u) * (2.02 - 0.45));
    const memory = (gibToGb(2048) - 192 * 2) * 0.392;
    expect(powerAt(model("aws", "p5.48xlarge"), u)).toBeCloseTo(gpu + platform + cpu + memory, 6);
  });

  it("8 x H100 at the training preset lies in 6.5-7.8 kW", () => {
    for (const [p, t] of [["aws", "p5.48xlarge"], ["azure", "Standard_ND96isr_H100_v5"], ["gcp", "a3-highgpu-8g"]] as const) {
      const w = powerAt(model(p, t), utilizationPresets.training);
      expect(w, t).toBeGreaterThanOrEqual(6500);
      expect(w, t).toBeLessThanOrEqual(7800);
    }
  });

  it.each(calibration.vectors.map((v) => [`${v.instanceType} at ${v.preset} vs ${v.expectedW} W`, v] as const))(
    "calibration: %s",
    (_name, v) => {
      const w = powerAt(model(v.provider, v.instanceType), utilizationPresets[v.preset]);
      expect(Math.abs(w / v.expectedW - 1), `${Math.round(w)} W vs ${v.expectedW} W (${v.source})`).toBeLessThanOrEqual(v.tolerance);
    },
  );

  it("every catalog entry: Σ GPU idle ≤ P(0) < P(u) ≤ P(1) ≤ the vendor maximum where one is known; none is no-tdp", () => {
    let checked = 0;
    let bounded = 0;
    for (const provider of ["aws", "azure", "gcp"] as const) {
      for (const [type, spec] of catalog.instances[provider]) {
        // N1 hosts of attached GPUs carry no accelerator: 0 W of GPU idle and TDP.
        const gpu = spec.gpu === null ? { tdpW: 0, idleW: 0 } : catalog.gpus.get(spec.gpu)!;
        expect(gpu.tdpW, `${type}: ${spec.gpu} has no power figure`).not.toBeNull();
        const m = buildPowerModel(catalog, provider, spec);
        expect(m.ok, type).toBe(true);
        if (!m.ok) continue;
        const idle = spec.gpuCount * (gpu.idleW ?? 0.12 * gpu.tdpW!);
        const [p0, p1] = [powerAt(m.model, 0), powerAt(m.model, 1)];
        expect(p0, type).toBeGreaterThanOrEqual(idle - 1e-9);
        for (const u of Object.values(utilizationPresets).filter((x) => x > 0 && x < 1)) {
          expect(powerAt(m.model, u), `${type} at ${u}`).toBeGreaterThan(p0);
          expect(powerAt(m.model, u), `${type} at ${u}`).toBeLessThanOrEqual(p1);
        }
        expect(p1, type).toBeGreaterThanOrEqual(spec.gpuCount * gpu.tdpW! - 1e-9);
        const max = spec.gpu === null ? undefined : catalog.power.systemMaximum[spec.gpu];
        if (spec.gpuCount === 8 && typeof max === "object") {
          expect(p1, `${type} vs ${max.source}`).toBeLessThanOrEqual(max.watts);
          bounded++;
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    // 8-GPU H100, H200, A100 and B200 systems of all three providers
    expect(bounded).toBeGreaterThanOrEqual(12);
  });

  it("Trainium, Trainium2 and Inferentia2 are bounded figures, flagged as such; trn2.48xlarge is in the catalog", () => {
    for (const name of ["Trainium", "Trainium2", "Inferentia2"]) expect(catalog.gpus.get(name)?.powerBasis, name).toBe("bounded");
    expect(model("aws", "trn2.48xlarge").basis).toBe("bounded");
    expect(model("aws", "trn2.48xlarge").gpuCount).toBe(16);
    expect(model("aws", "p5.48xlarge").basis).toBe("published");
  });

  it("memory draws power only above 2 GB per vCPU (Standard_NV36ads_A10_v5: 36 vCPU EPYC Milan, 440 GiB)", () => {
    const m = model("azure", "Standard_NV36ads_A10_v5");
    const cpuIdle = 36 * (0.45 + 0.1 * (2.02 - 0.45));
    expect(m.hostIdleWatts - cpuIdle).toBeCloseTo((gibToGb(440) - 72) * 0.392, 6);
    expect(m.hostDynamicWatts).toBeCloseTo(36 * 0.9 * (2.02 - 0.45), 6);
  });

  it("a measured GPU power maps back to u between idle and TDP, clamped", () => {
    expect(utilizationFromGpuWatts(catalog, "H100-SXM5-80GB", 70 + 0.4 * 630)).toBeCloseTo(0.4, 9);
    expect(utilizationFromGpuWatts(catalog, "H100-SXM5-80GB", 20)).toBe(0);
    expect(utilizationFromGpuWatts(catalog, "H100-SXM5-80GB", 900)).toBe(1);
  });

  it("p5.48xlarge stays under the DGX H100 maximum input of 10.2 kW at u = 1", () => {
    expect(powerAt(model("aws", "p5.48xlarge"), 1)).toBeLessThan(10_200);
  });

  it("SageMaker ml. types resolve to the EC2 hardware", () => {
    expect(lookupInstance(catalog, "aws", "ml.p4d.24xlarge")).toBe(lookupInstance(catalog, "aws", "p4d.24xlarge"));
  });

  it("the utilisation band is the neighbouring steps of 0, 0.3, 0.5, 0.9, 1", () => {
    expect(utilizationBand(0.5)).toEqual({ low: 0.3, high: 0.9 });
    expect(utilizationBand(0)).toEqual({ low: 0, high: 0.3 });
    expect(utilizationBand(1)).toEqual({ low: 0.9, high: 1 });
    expect(utilizationBand(0.9)).toEqual({ low: 0.5, high: 1 });
    expect(utilizationBand(0.75)).toEqual({ low: 0.5, high: 0.9 });
  });
});

describe("embodied emissions per instance-hour", () => {
  it("p5.48xlarge, the whole host: (2,500 + 8 × 150) kg ÷ (6 × 8,760 × 0.85) h", () => {
    const e = embodiedPerHour(catalog.embodied, lookupInstance(catalog, "aws", "p5.48xlarge")!);
    expect(e.kgPerHour).toBeCloseTo(3700 / (6 * 8760 * 0.85), 12);
    expect(e.lowKgPerHour).toBeCloseTo((1000 + 8 * 150) / (6 * 8760 * 0.85), 12);
    expect(e.highKgPerHour).toBeCloseTo((2500 + 8 * 575) / (6 * 8760 * 0.85), 12);
  });

  it("g5.xlarge is one eighth of g5.48xlarge's host", () => {
    const one = embodiedPerHour(catalog.embodied, lookupInstance(catalog, "aws", "g5.xlarge")!);
    const all = embodiedPerHour(catalog.embodied, lookupInstance(catalog, "aws", "g5.48xlarge")!);
    expect(one.kgPerHour * 8).toBeCloseTo(all.kgPerHour, 12);
  });

  it("GCP N1: the GPU-hour row carries its card, the N1 host row its vCPU share of the server, so each is counted once", () => {
    const hours = 6 * 8760 * 0.85;
    expect(embodiedPerHour(catalog.embodied, lookupInstance(catalog, "gcp", "nvidia-tesla-t4")!).kgPerHour).toBeCloseTo(150 / hours, 12);
    expect(embodiedPerHour(catalog.embodied, lookupInstance(catalog, "gcp", "n1-standard-8")!).kgPerHour).toBeCloseTo((2500 * 8) / 96 / hours, 12);
  });

  it("BLOOM check: 462.5 kg per GPU slot over 6 years at 0.85 is 10.35 g per GPU-hour", () => {
    const spec = lookupInstance(catalog, "aws", "p4d.24xlarge")!;
    expect((embodiedPerHour(catalog.embodied, spec).kgPerHour / 8) * 1000).toBeCloseTo(10.35, 2);
  });
});

describe("utilisation rules", () => {
  const rules: UtilizationRule[] = [
    { name: "team", match: { tags: { team: "ml" } }, u: 0.9 },
    { name: "serving", match: { account: "222", region: "eu-west-1" }, u: 0.25 },
    { name: "p5", match: { instanceType: "p5.48xlarge" }, u: 0.75 },
  ];
  const row = { provider: "aws", account: "111", region: "us-east-1", instanceType: "p5.48xlarge" };
  it("first rule whose every field matches wins", () => {
    expect(matchRule(rules, row)?.name).toBe("p5");
    expect(matchRule(rules, { ...row, account: "222", region: "eu-west-1" })?.name).toBe("serving");
    expect(matchRule(rules, { ...row, account: "222" })?.name).toBe("p5");
    expect(matchRule(rules, { ...row, instanceType: "g5.xlarge" })).toBeUndefined();
  });
  it("a tag rule matches only rows that carry the tag (runs that --group-by it: records' tags are keyed by group key)", () => {
    expect(matchRule(rules, { ...row, tags: { "tag:team": "ml" } })?.name).toBe("team");
    expect(matchRule(rules, { ...row, tags: { "tag:team": "(untagged)" } })?.name).toBe("p5");
    expect(matchRule(rules.slice(0, 1), row)).toBeUndefined();
  });
});
