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

// Accelerators AWS publishes no power for: bounded from published system figures (not measured), flagged in every row
// as power_basis "bounded". The reference table leaves them empty; the figures live here with their reasoning.
const bounded = {
  Trainium: {
    tdpW: 300,
    source:
      "bounded, not published: AWS gives no Trainium power. Estimate 300 W, between the 150 W PCIe inference class " +
      "and the 400 W A100 SXM of the same HBM2e generation that Trainium (trn1, 2022) replaced; range 150-400 W",
  },
  Trainium2: {
    tdpW: 500,
    memoryGb: 96,
    source:
      "bounded, not published: ~500 W per chip per SemiAnalysis 'Amazon's AI Self Sufficiency | Trainium2 Architecture & Networking' " +
      "(2024, third-party); AWS Trn2 docs give 96 GiB HBM per chip, 16 chips per trn2.48xlarge",
  },
  Inferentia2: {
    tdpW: 150,
    source:
      "bounded, not published: AWS gives no Inferentia2 power. Estimate 150 W, the PCIe inference-card class " +
      "(NVIDIA A10 150 W, L4 72 W) of its 190 TFLOPS BF16 and 32 GiB HBM; range 75-175 W",
  },
};
for (const [name, b] of Object.entries(bounded)) {
  gpus[name] = {
    vendor: "AWS",
    tdpW: b.tdpW,
    idleW: null,
    memoryGb: b.memoryGb ?? gpus[name]?.memoryGb ?? null,
    source: b.source,
    idleSource: "not published: 0.12 x the bounded figure (Teads/CCF idle ratio 0.116)",
    verified: false,
    powerBasis: "bounded",
  };
}
// Accelerators on a switched baseboard (SXM/OAM with NVSwitch, Infinity Fabric or NeuronLink) carry the larger platform term.
const baseboard = (model) => /SXM|MI300X|Trainium/.test(model);
for (const [name, g] of Object.entries(gpus)) g.platform = baseboard(name) ? "baseboard" : "pcie";

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

// Not yet in the reference table (added by the power issue): AWS Trn2.
instances.aws["trn2.48xlarge"] = {
  gpu: "Trainium2",
  gpuCount: 16,
  vcpus: 192,
  memory: 2048,
  memoryUnit: "GiB",
  cpuFamily: "Sapphire Rapids",
  billingUnit: "instance-hour",
  source: "AWS Specifications for Amazon EC2 accelerated computing instances (docs.aws.amazon.com/ec2/latest/instancetypes/ac.html): trn2.48xlarge 16 Trainium2, 192 vCPU, 2 TiB",
  verified: false,
  notes:
    "Accelerator power bounded, not published. CPU family not checked (Sapphire Rapids assumed): it has no SPECpower coefficient, " +
    "so the AWS average applies either way. Memory 2 TiB and 192 vCPUs per AWS; not yet in shared/data/gpu-instances-reference.csv.",
};

// N1 machine types, the hosts of GCP's attached GPUs (billed apart from their GPUs): no accelerator of their own.
// Memory per vCPU by family from cloud.google.com/compute/docs/general-purpose-machines#n1_machines.
const n1Families = { standard: { gbPerVcpu: 3.75, sizes: [1, 2, 4, 8, 16, 32, 64, 96] }, highmem: { gbPerVcpu: 6.5, sizes: [2, 4, 8, 16, 32, 64, 96] }, highcpu: { gbPerVcpu: 0.9, sizes: [2, 4, 8, 16, 32, 64, 96] } };
for (const [family, f] of Object.entries(n1Families)) {
  for (const vcpus of f.sizes) {
    instances.gcp[`n1-${family}-${vcpus}`] = {
      gpu: null,
      gpuCount: 0,
      vcpus,
      memory: Math.round(vcpus * f.gbPerVcpu * 100) / 100,
      memoryUnit: "GB",
      cpuFamily: null,
      billingUnit: "instance-hour",
      hostVcpus: 96,
      source:
        "N1 host of attached GPUs, estimated from the billing export's N1 core lines (docs/gcp.md); shape from cloud.google.com/compute/docs/general-purpose-machines (N1: " +
        `${f.gbPerVcpu} GB per vCPU, up to 96 vCPUs)`,
      verified: true,
    };
  }
}

// The host an instance is a slice of, for the share of embodied emissions: the largest size of its family
// (g5.xlarge is 1/8 of g5.48xlarge). A family is the type without its size: the AWS prefix before the dot, the
// Azure name without its vCPU digits, the GCP name without its GPU count. GPU-hour entries (GCP N1-attached GPUs)
// carry their card only, and hosts without accelerators their vCPU share (src/calc/embodied.ts): neither needs it.
const familyOf = {
  aws: (t) => t.split(".")[0],
  azure: (t) => t.replace(/^(Standard_[A-Z]+)\d+/, "$1"),
  gcp: (t) => t.replace(/-\d+g$/, "").replace(/-\d+$/, ""),
};
for (const [provider, table] of Object.entries(instances)) {
  const most = {};
  for (const [type, spec] of Object.entries(table)) {
    if (spec.gpuCount === 0) continue;
    const f = familyOf[provider](type);
    most[f] = Math.max(most[f] ?? 0, spec.gpuCount);
  }
  for (const [type, spec] of Object.entries(table)) {
    if (spec.gpuCount === 0 || spec.billingUnit === "gpu-hour") continue;
    spec.hostGpus = Math.max(1, most[familyOf[provider](type)]);
  }
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
  power: {
    platform: {
      $source:
        "Platform power (switch fabric, NICs, fans, BMC, storage) as a fraction of the board's summed accelerator TDP, at idle and added at " +
        "full load, plus PSU conversion loss on accelerators and platform. Fractions are not measured component by component: they are " +
        "calibrated so that 8-GPU systems match the measured node power in test/fixtures/power-calibration.json (MLPerf Training v4.0, " +
        "Newkirk et al. 2025, Latif et al. 2025) and stay below the DGX maximum input (docs/methodology.md)",
      baseboard: { idleFraction: 0.08, loadFraction: 0.095 },
      pcie: { idleFraction: 0.04, loadFraction: 0.06 },
      psuLossFraction: 0.06,
      psuSource: "80 PLUS Titanium supplies are 94-96 % efficient at 20-100 % load (80 PLUS program); 6 % loss on the DC power of accelerators and platform",
    },
    hostCpu: {
      floor: 0.1,
      source:
        "Host CPU load follows the accelerators: u_cpu = 0.1 + 0.9 x u (SPECpower Wmin at idle, Wmax at full load), since the host feeds the " +
        "accelerators; Google's production inference measured host CPU + DRAM at ~43 % of accelerator energy (arXiv 2508.15734)",
    },
    memoryBaseline: {
      gbPerVcpu: 2,
      source:
        "Memory power only above a baseline, as Cloud Carbon Footprint does: its per-vCPU SPECpower figures already include the memory of the " +
        "benchmarked machines (CCF methodology, memory section), so only memory above 2 GB per vCPU (a typical SPECpower_ssj2008 configuration, " +
        "estimate) draws the 0.392 W/GB coefficient",
    },
    band: {
      source:
        "Judgement ranges, not measurements (docs/methodology.md): the low/high band multiplies the utilisation band by PUE -3 %/+5 % " +
        "(published annual PUE varies by site and season around the fleet or region figure) and by intensity +/-10 % for a time-matched " +
        "signal or +/-25 % for an annual fallback figure (year-to-year and within-zone spread); a measured u is taken +/-0.05",
      pue: { low: 0.97, high: 1.05 },
      intensityMatched: { low: 0.9, high: 1.1 },
      intensityFallback: { low: 0.75, high: 1.25 },
      measuredUtilization: 0.05,
    },
    systemMaximum: {
      $source: "Vendor maximum input power of the 8-accelerator system built on each board: a rating, not a draw (EVIDENCE.md)",
      "H100-SXM5-80GB": { watts: 10200, source: "NVIDIA DGX H100/H200 user guide: six 3.3 kW supplies, 10.2 kW maximum" },
      "H200-SXM-141GB": { watts: 10200, source: "NVIDIA DGX H100/H200 user guide: 10.2 kW maximum" },
      "A100-SXM4-40GB": { watts: 6500, source: "NVIDIA DGX A100 user guide (secondary reports): 6.5 kW maximum" },
      "A100-SXM4-80GB": { watts: 6500, source: "NVIDIA DGX A100 user guide (secondary reports): 6.5 kW maximum" },
      "B200-SXM-180GB": { watts: 14300, source: "NVIDIA DGX B200 user guide (docs.nvidia.com/dgx/dgxb200-user-guide): 14.3 kW maximum" },
    },
  },
  embodied: {
    serverKg: {
      value: 2500,
      low: 1000,
      high: 2500,
      source:
        "Server without accelerators: 2,500 kg (BLOOM paper inputs via Boavizta e-footprint GPUServer defaults); low 1,000 kg (CCF/Teads base server, cloud-carbon-coefficients)",
    },
    perGpuKg: {
      value: 150,
      low: 150,
      high: 575,
      source: "Per accelerator card: 150 kg (CCF/Teads; BLOOM, Luccioni et al. JMLR 24(253) 2023); high 575 kg (Boavizta API bottom-up large GPU)",
    },
    lifetimeYears: { value: 6, source: "6 years: Boavizta cloud GPU platforms and e-footprint default; matches BLOOM's 11.2 t embodied with 0.85 occupancy (EVIDENCE.md)" },
    occupancy: { value: 0.85, source: "0.85 of host-hours sold and running: inferred from the BLOOM match (EVIDENCE.md, unverified); CCF implicitly 1.0" },
  },
  gpus,
  instances,
});

const gsf = "GSF Real Time Cloud Cloud_Region_Metadata.csv @ b2858aa";
// Each US region's EIA-930 balancing authority, read from the region's location (the reference CSV's city and its
// WattTime zone, which names the same operator) against EIA's balancing-authority map; GB regions use the national
// Carbon Intensity series. A judgement per region, documented in docs/methodology.md.
const eiaMap = "balancing authority of the region's location: EIA-930 balancing authority map (eia.gov/electricity/gridmonitor/about), matched with the region's WattTime zone";
const gbNational = "GB Carbon Intensity API national actuals (regional series are forecast only)";
const gridZones = {
  "aws:us-east-1": { eia: "PJM" }, "aws:us-east-2": { eia: "PJM" }, "aws:us-gov-east-1": { eia: "PJM" },
  "aws:us-west-1": { eia: "CISO" }, "aws:us-west-2": { eia: "BPAT" }, "aws:us-gov-west-1": { eia: "BPAT" },
  "azure:eastus": { eia: "PJM" }, "azure:eastus2": { eia: "PJM" }, "azure:eastus3": { eia: "SOCO" },
  "azure:centralus": { eia: "MISO" }, "azure:northcentralus": { eia: "MISO" }, "azure:southcentralus": { eia: "ERCO" },
  "azure:westus": { eia: "CISO" }, "azure:westus2": { eia: "BPAT" }, "azure:westus3": { eia: "AZPS" }, "azure:westcentralus": { eia: "WACM" },
  "gcp:us-central1": { eia: "MISO" }, "gcp:us-east1": { eia: "SC" }, "gcp:us-east4": { eia: "PJM" }, "gcp:us-east5": { eia: "PJM" },
  "gcp:us-south1": { eia: "ERCO" }, "gcp:us-west1": { eia: "BPAT" }, "gcp:us-west2": { eia: "LDWP" }, "gcp:us-west3": { eia: "PACE" },
  "gcp:us-west4": { eia: "NEVP" },
  "aws:eu-west-2": { gbCarbonIntensity: "national" }, "azure:uksouth": { gbCarbonIntensity: "national" }, "gcp:europe-west2": { gbCarbonIntensity: "national" },
};
const zonesOf = (key) => {
  const z = gridZones[key];
  if (!z) return {};
  return { gridZones: { ...z, source: z.eia ? eiaMap : gbNational } };
};
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
    ...zonesOf(`${r.provider}:${r.region}`),
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
