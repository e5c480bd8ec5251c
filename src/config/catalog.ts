import { z } from "zod";
import { UsageError } from "../errors.js";
import type { ProviderId } from "../schema.js";
import { byProvider, firstIssue } from "./validate.js";

const Watts = z.number().finite().positive().max(5000);

export const GpuSpec = z
  .object({
    vendor: z.string().optional(),
    tdpW: Watts.nullable(),
    idleW: z.number().finite().nonnegative().max(5000).nullable().default(null),
    memoryGb: z.number().positive().nullable().optional(),
    source: z.string().min(1),
    idleSource: z.string().optional(),
    verified: z.boolean().optional(),
    notes: z.string().optional(),
    /** Switched baseboard (SXM/OAM) or PCIe card: which platform term applies. */
    platform: z.enum(["baseboard", "pcie"]).default("pcie"),
    /** "bounded" when the vendor publishes no power and the figure is bounded from system figures. */
    powerBasis: z.enum(["published", "bounded"]).default("published"),
  })
  .refine((g) => g.tdpW === null || g.idleW === null || g.idleW <= g.tdpW, { message: "idleW must not exceed tdpW", path: ["idleW"] });
export type GpuSpec = z.infer<typeof GpuSpec>;

export const InstanceSpec = z.object({
  /** Null for a host without accelerators (the N1 host of GCP's attached GPUs, whose GPUs are billed apart). */
  gpu: z.string().min(1).nullable(),
  gpuCount: z.number().finite().nonnegative().max(64),
  vcpus: z.number().int().positive().max(1024).nullable(),
  memory: z.number().positive().max(65536).nullable(),
  memoryUnit: z.enum(["GiB", "GB"]).nullable(),
  cpuFamily: z.string().nullable(),
  billingUnit: z.enum(["instance-hour", "gpu-hour"]),
  /** GPUs of the physical host this instance is a slice of (its share of embodied emissions); the instance's own count when absent. */
  hostGpus: z.number().finite().positive().max(64).optional(),
  /** vCPUs of the physical host of an instance without accelerators, for its share of embodied emissions. */
  hostVcpus: z.number().int().positive().max(1024).optional(),
  source: z.string().min(1),
  verified: z.boolean().optional(),
  notes: z.string().optional(),
});
export type InstanceSpec = z.infer<typeof InstanceSpec>;

const CpuCoefficients = z.object({ wminPerVcpu: z.number().nonnegative().max(50), wmaxPerVcpu: z.number().positive().max(50) });
const withSource = <T extends z.ZodTypeAny>(entry: T) => z.record(z.string(), z.union([entry, z.string()]));
const Fraction = z.number().finite().nonnegative().max(1);
const Range = z
  .object({ low: z.number().finite().positive().max(1), high: z.number().finite().min(1).max(10) })
  .strict();
const PlatformClass = z.object({ idleFraction: Fraction, loadFraction: Fraction }).strict();
const PowerTerms = z
  .object({
    platform: z.object({ $source: z.string(), baseboard: PlatformClass, pcie: PlatformClass, psuLossFraction: Fraction, psuSource: z.string() }).strict(),
    hostCpu: z.object({ floor: Fraction, source: z.string() }).strict(),
    memoryBaseline: z.object({ gbPerVcpu: z.number().finite().nonnegative().max(64), source: z.string() }).strict(),
    band: z
      .object({
        source: z.string(),
        pue: Range,
        intensityMatched: Range,
        intensityFallback: Range,
        measuredUtilization: Fraction,
      })
      .strict(),
    systemMaximum: z.record(z.string(), z.union([z.object({ watts: z.number().positive(), source: z.string() }).strict(), z.string()])),
  })
  .strict();
export type PowerTerms = z.infer<typeof PowerTerms>;
const Kg = z.number().finite().nonnegative().max(1e6);
const Ranged = z.object({ value: Kg, low: Kg, high: Kg, source: z.string() }).strict();
export const EmbodiedFactors = z
  .object({
    serverKg: Ranged,
    perGpuKg: Ranged,
    lifetimeYears: z.object({ value: z.number().finite().positive().max(30), source: z.string() }).strict(),
    occupancy: z.object({ value: z.number().finite().positive().max(1), source: z.string() }).strict(),
  })
  .strict();
export type EmbodiedFactors = z.infer<typeof EmbodiedFactors>;
export const CatalogFile = z
  .object({
    $comment: z.string().optional(),
    memoryWattsPerGb: z.object({ value: z.number().nonnegative().max(5), source: z.string() }),
    cpuFamilies: withSource(CpuCoefficients),
    providerCpuDefaults: withSource(CpuCoefficients),
    power: PowerTerms,
    embodied: EmbodiedFactors,
    gpus: z.record(z.string(), GpuSpec),
    instances: byProvider(InstanceSpec),
  })
  .strict();

/** What a user's config may add to or override in the catalog. */
export const CatalogOverride = z
  .object({
    gpus: z.record(z.string(), GpuSpec).optional(),
    instances: byProvider(InstanceSpec).partial().optional(),
  })
  .strict();
export type CatalogOverride = z.infer<typeof CatalogOverride>;

type Coefficients = z.infer<typeof CpuCoefficients>;

export interface Catalog {
  memoryWattsPerGb: number;
  memorySource: string;
  cpuFamilies: ReadonlyMap<string, Coefficients>;
  providerCpuDefaults: ReadonlyMap<string, Coefficients>;
  power: PowerTerms;
  embodied: EmbodiedFactors;
  gpus: ReadonlyMap<string, GpuSpec>;
  instances: Readonly<Record<ProviderId, ReadonlyMap<string, InstanceSpec>>>;
}

const coefficientMap = (rec: Record<string, Coefficients | string>) =>
  new Map(Object.entries(rec).filter((e): e is [string, Coefficients] => typeof e[1] !== "string"));

/** Validates the shipped catalog, merges the user's overrides and checks every instance names a known GPU. */
export function buildCatalog(raw: unknown, override: CatalogOverride | undefined, origin: string): Catalog {
  const parsed = CatalogFile.safeParse(raw);
  if (!parsed.success) throw new UsageError(`catalog ${origin}: ${firstIssue(parsed.error)}`);
  const file = parsed.data;
  const gpus = new Map(Object.entries({ ...file.gpus, ...override?.gpus }));
  const instances = {} as Record<ProviderId, Map<string, InstanceSpec>>;
  for (const provider of ["aws", "azure", "gcp"] as const) {
    instances[provider] = new Map(Object.entries({ ...file.instances[provider], ...override?.instances?.[provider] }));
    for (const [type, spec] of instances[provider]) {
      if ((spec.gpu === null) !== (spec.gpuCount === 0)) {
        throw new UsageError(`catalog: instances.${provider}.${type}: gpu is null exactly when gpuCount is 0 (a host without accelerators)`);
      }
      if (spec.gpu !== null && !gpus.has(spec.gpu)) {
        throw new UsageError(`catalog: instances.${provider}.${type}.gpu names "${spec.gpu}", which is not in gpus: add it under catalog.gpus`);
      }
    }
  }
  return {
    memoryWattsPerGb: file.memoryWattsPerGb.value,
    memorySource: file.memoryWattsPerGb.source,
    cpuFamilies: coefficientMap(file.cpuFamilies),
    providerCpuDefaults: coefficientMap(file.providerCpuDefaults),
    power: file.power,
    embodied: file.embodied,
    gpus,
    instances,
  };
}

/**
 * The hardware behind a billed instance type. SageMaker bills `ml.<type>` for the same hardware
 * as the EC2 type, so the prefix is dropped for AWS.
 */
export function lookupInstance(catalog: Catalog, provider: ProviderId, instanceType: string): InstanceSpec | undefined {
  const table = catalog.instances[provider];
  const direct = table.get(instanceType);
  if (direct || provider !== "aws" || !instanceType.startsWith("ml.")) return direct;
  return table.get(instanceType.slice(3));
}
