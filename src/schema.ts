import { z } from "zod";

export const providerIds = ["aws", "azure", "gcp"] as const;
export const ProviderId = z.enum(providerIds);
export type ProviderId = z.infer<typeof ProviderId>;

const isoInstant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/, "expected an ISO-8601 UTC instant such as 2026-10-01T00:00:00Z")
  .refine((s) => !Number.isNaN(Date.parse(s)), "not a real date");

/** One row of billed GPU usage: the boundary between sources and the rest of the pipeline. */
export const UsageRecord = z
  .object({
    provider: ProviderId,
    account: z.string().min(1),
    region: z.string().min(1),
    instanceType: z.string().min(1),
    unit: z.enum(["instance-hour", "gpu-hour"]),
    quantity: z.number().finite().nonnegative().max(1e9),
    periodStart: isoInstant,
    periodEnd: isoInstant,
    estimated: z.boolean(),
    cost: z.number().finite().optional(),
    currency: z.string().regex(/^[A-Z]{3}$/).optional(),
    /** The --group-by keys' values (`tag:team` → `ml-research`), only when a run groups: docs/attribution.md. */
    tags: z.record(z.string(), z.string()).optional(),
  })
  .refine((r) => Date.parse(r.periodEnd) > Date.parse(r.periodStart), {
    message: "periodEnd must be after periodStart",
    path: ["periodEnd"],
  });
export type UsageRecord = z.infer<typeof UsageRecord>;

export type IntensitySignal = "marginal" | "average";

/**
 * How closely a row's intensity matches its period: `hourly` its own hour(s), `daily` the mean of that day's hourly
 * values, `monthly` or `annual` a figure for a whole month or year (a fallback).
 */
export type Matching = "hourly" | "daily" | "monthly" | "annual";

/** Why a row has no energy figure; absent when the power model applied. */
export type PowerStatus = "unknown-type" | "no-tdp";

/**
 * A UsageRecord with every factor that turned its hours into CO2e.
 * Energy and CO2 fields are null when the power is unknown: such rows are kept, flagged and left out of totals.
 */
export interface CarbonRecord {
  provider: ProviderId;
  account: string;
  region: string;
  instanceType: string;
  unit: "instance-hour" | "gpu-hour";
  quantity: number;
  periodStart: string;
  periodEnd: string;
  estimated: boolean;
  cost: number | null;
  currency: string | null;
  gpuModel: string | null;
  gpuCount: number | null;
  gpuUtilization: number;
  powerWatts: number | null;
  powerLowWatts: number | null;
  powerHighWatts: number | null;
  powerSource: string;
  powerStatus: PowerStatus | null;
  energyKwh: number | null;
  pue: number;
  pueSource: string;
  facilityEnergyKwh: number | null;
  facilityEnergyLowKwh: number | null;
  facilityEnergyHighKwh: number | null;
  intensityKgPerKwh: number;
  intensitySignal: IntensitySignal;
  intensitySource: string;
  intensityNote: string;
  regionKnown: boolean;
  co2eKg: number | null;
  co2eLowKg: number | null;
  co2eHighKg: number | null;
  /** Which rule set u: `default` (--gpu-util), a config rule's name, or `measured` (--utilization). */
  utilizationRule: string;
  /** `published` vendor figures, `bounded` (no vendor figure: bounded from system figures) or `measured` u; null when power is unknown. */
  powerBasis: "published" | "bounded" | "measured" | null;
  /** What the low/high band spans: the utilisation range, the PUE and the intensity factors. */
  bandCovers: string;
  /** Manufacturing emissions amortised over these hours, apart from the operational CO2e; null with --no-embodied or unknown hardware. */
  embodiedKg: number | null;
  embodiedLowKg: number | null;
  embodiedHighKg: number | null;
  /**
   * Both signals, whatever --signal leads with: the location-based (grid average) figure, CO2e where the factors are
   * lifecycle (see locationSource), for the inventory; and the marginal figure (WattTime MOER, CO2 only), for
   * decisions. The lead columns above repeat the one --signal picks; nothing adds the two.
   */
  locationKgPerKwh: number;
  locationSource: string;
  locationNote: string;
  locationMatching: Matching;
  co2eLocationKg: number | null;
  co2eLocationLowKg: number | null;
  co2eLocationHighKg: number | null;
  marginalKgPerKwh: number;
  marginalSource: string;
  marginalNote: string;
  marginalMatching: Matching;
  co2MarginalKg: number | null;
  co2MarginalLowKg: number | null;
  co2MarginalHighKg: number | null;
  /** The --group-by keys' values, as the usage row carried them; absent when the run does not group. */
  tags?: Record<string, string>;
}
