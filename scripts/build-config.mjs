// Rebuilds config/catalog.json, config/regions.json and config/availability.json from the sourced
// reference tables in ../shared/data (see its README). Run by hand when the references change:
//   node scripts/build-config.mjs [path/to/shared/data]
// The generated files are committed; the tool never reads the reference tables at run time.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";

const dataDir = process.argv[2] ?? join(import.meta.dirname, "..", "..", "shared", "data");
const read = (name) => parse(readFileSync(join(dataDir, name)), { columns: true, skip_empty_lines: true });
const num = (s) => (s === "" || s === undefined ? null : Number(s));
const write = (name, value) => writeFileSync(join("config", name), `${JSON.stringify(value, null, 1)}\n`);

const gpus = {};
for (const r of read("gpus-reference.csv")) {
  gpus[r.gpu_model] = {
    vendor: r.vendor,
    tdpW: num(r.tdp_w),
    idleW: num(r.idle_w),
    memoryGb: num(r.memory_gb),
    source: r.tdp_source || "no published TDP",
    idleSource: r.idle_source || "not published: 0.12 x TDP (Teads/CCF idle ratio 0.116)",
    verified: r.verified === "yes",
    ...(r.notes ? { notes: r.notes } : {}),
  };
}

const instances = { aws: {}, azure: {}, gcp: {} };
for (const r of read("gpu-instances-reference.csv")) {
  instances[r.provider][r.instance_type] = {
    gpu: r.gpu_model,
    gpuCount: Number(r.gpu_count),
    vcpus: num(r.vcpus),
    memory: num(r.memory),
    memoryUnit: r.memory_unit || null,
    cpuFamily: r.cpu_family || null,
    billingUnit: r.billing_unit,
    source: r.source,
    verified: r.verified === "yes",
    ...(r.notes ? { notes: r.notes } : {}),
  };
}

write("catalog.json", {
  $comment:
    "GPU instance hardware and accelerator power. Built by scripts/build-config.mjs from shared/data " +
    "(gpus-reference.csv, gpu-instances-reference.csv); each entry names its source. Users add or override " +
    "entries with the `catalog` key of their config file.",
  memoryWattsPerGb: { value: 0.392, source: "CCF memory coefficient 0.000392 kWh per GB-hour (Cloud Carbon Footprint methodology)" },
  cpuFamilies: {
    $source: "SPECpower per-vCPU Wmin/Wmax as compiled by Cloud Carbon Footprint, ComputeProcessorTypes.ts",
    "Cascade Lake": { wminPerVcpu: 0.64, wmaxPerVcpu: 3.97 },
    Skylake: { wminPerVcpu: 0.65, wmaxPerVcpu: 4.26 },
    Broadwell: { wminPerVcpu: 0.71, wmaxPerVcpu: 3.69 },
    "EPYC Rome": { wminPerVcpu: 0.47, wmaxPerVcpu: 1.69 },
    "EPYC Milan": { wminPerVcpu: 0.45, wmaxPerVcpu: 2.02 },
    Graviton2: { wminPerVcpu: 0.47, wmaxPerVcpu: 1.69 },
  },
  providerCpuDefaults: {
    $source: "Cloud Carbon Footprint per-provider averages, used for CPU families without SPECpower data",
    aws: { wminPerVcpu: 0.74, wmaxPerVcpu: 3.5 },
    gcp: { wminPerVcpu: 0.71, wmaxPerVcpu: 4.26 },
    azure: { wminPerVcpu: 0.78, wmaxPerVcpu: 3.76 },
  },
  gpus,
  instances,
});

const gsf = "GSF Real Time Cloud Cloud_Region_Metadata.csv @ b2858aa";
const regions = { aws: {}, azure: {}, gcp: {} };
for (const r of read("cloud-regions-reference.csv")) {
  const year = Number(r.year);
  const pue = num(r.pue);
  const avg = num(r.grid_average_g_per_kwh);
  const marg = num(r.grid_marginal_g_per_kwh);
  regions[r.provider][r.region] = {
    location: r.location,
    latitude: num(r.latitude),
    longitude: num(r.longitude),
    wattTimeRegion: r.watttime_region || null,
    ...(pue === null ? {} : { pue: { value: pue, source: `${r.provider} per-region PUE via ${gsf}`, year } }),
    marginal: marg === null ? null : { kgPerKwh: marg / 1000, dataset: "watttime-annual-marginal", source: gsf, year },
    average: avg === null ? null : { kgPerKwh: avg / 1000, dataset: "electricitymaps-annual-average", source: gsf, year },
    ...(r.note ? { note: r.note } : {}),
  };
}
const marginals = Object.values(regions).flatMap((p) => Object.values(p)).map((r) => r.marginal?.kgPerKwh).filter((v) => v != null).sort((a, b) => a - b);
const median = marginals[Math.floor(marginals.length / 2)];

write("regions.json", {
  $comment:
    "Cloud regions: location, WattTime zone, PUE and fallback intensities (annual marginal and annual average), " +
    "each with its source and year. Built by scripts/build-config.mjs from shared/data/cloud-regions-reference.csv.",
  providerDefaults: {
    aws: { pue: { value: 1.15, source: "AWS global PUE, Amazon Sustainability Report", year: 2024 } },
    azure: { pue: { value: 1.18, source: "Microsoft operating PUE, datacenter sustainability fact sheet (FY22)", year: 2022 } },
    gcp: { pue: { value: 1.09, source: "Google fleet-wide trailing-twelve-month PUE, Google Environmental Report", year: 2024 } },
  },
  globalFallback: {
    marginal: { kgPerKwh: Number(median.toFixed(5)), dataset: "median-regional-marginal", source: `median of the annual marginal figures in ${gsf}`, year: 2024 },
    average: { kgPerKwh: 0.48, dataset: "ember-world-average", source: "Ember Global Electricity Review 2024: world power-sector intensity 480 gCO2/kWh", year: 2023 },
  },
  regions,
});

const availability = { aws: {}, azure: {}, gcp: {} };
for (const r of read("gpu-availability-reference.csv")) {
  (availability[r.provider][r.instance_family_or_type] ??= []).push(r.region);
}
for (const p of Object.values(availability)) for (const k of Object.keys(p)) p[k].sort();
write("availability.json", {
  $comment:
    "Where each GPU type is offered, per source: AWS EC2 DescribeInstanceTypeOfferings recorded by getmoto/moto @ c6bd43ff2 " +
    "(2026-08-01); GCP and Azure from the SkyPilot catalogs (skypilot-org/skypilot-catalog v5/v7, 2023). Absent means unknown. " +
    "GCP G2 machines are listed as the series `g2-standard`. Users extend it with the `availability` key of their config file.",
  availability,
});
console.log("wrote config/catalog.json, config/regions.json, config/availability.json");
