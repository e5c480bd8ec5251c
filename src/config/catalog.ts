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
  })
  .refine((g) => g.tdpW === null || g.idleW === null || g.idleW <= g.tdpW, { message: "idleW must not exceed tdpW", path: ["idleW"] });
export type GpuSpec = z.infer<typeof GpuSpec>;

export const InstanceSpec = z.object({
  gpu: z.string().min(1),
  gpuCount: z.number().finite().positive().max(64),
  vcpus: z.number().int().positive().max(1024).nullable(),
  memory: z.number().positive().max(65536).nullable(),
  memoryUnit: z.enum(["GiB", "GB"]).nullable(),
  cpuFamily: z.string().nullable(),
  billingUnit: z.enum(["instance-hour", "gpu-hour"]),
  source: z.string().min(1),
  verified: z.boolean().optional(),
  notes: z.string().optional(),
});
export type InstanceSpec = z.infer<typeof InstanceSpec>;

const CpuCoefficients = z.object({ wminPerVcpu: z.number().nonnegative().max(50), wmaxPerVcpu: z.number().positive().max(50) });
const withSource = <T extends z.ZodTypeAny>(entry: T) => z.record(z.string(), z.union([entry, z.string()]));
export const CatalogFile = z
  .object({
    $comment: z.string().optional(),
    memoryWattsPerGb: z.object({ value: z.number().nonnegative().max(5), source: z.string() }),
    cpuFamilies: withSource(CpuCoefficients),
    providerCpuDefaults: withSource(CpuCoefficients),
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
      if (!gpus.has(spec.gpu)) {
        throw new UsageError(`catalog: instances.${provider}.${type}.gpu names "${spec.gpu}", which is not in gpus: add it under catalog.gpus`);
      }
    }
  }
  return {
    memoryWattsPerGb: file.memoryWattsPerGb.value,
    memorySource: file.memoryWattsPerGb.source,
    cpuFamilies: coefficientMap(file.cpuFamilies),
    providerCpuDefaults: coefficientMap(file.providerCpuDefaults),
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
