import { z } from "zod";
import { UsageError } from "../errors.js";
import type { IntensitySignal, ProviderId } from "../schema.js";
import { byProvider, firstIssue } from "./validate.js";

const Pue = z.object({ value: z.number().min(1).max(3), source: z.string().min(1), year: z.number().int().min(2000).max(2100) });
const Fallback = z.object({
  kgPerKwh: z.number().finite().nonnegative().max(2),
  dataset: z.string().regex(/^[a-z0-9-]+$/, "a lower-case dataset id such as watttime-annual-marginal"),
  source: z.string().min(1),
  year: z.number().int().min(2000).max(2100),
});
export type Fallback = z.infer<typeof Fallback>;

/** The region's grid in the location-based hourly sources, with where the mapping comes from. */
const GridZones = z
  .object({
    /** EIA-930 balancing authority code (`respondent`), e.g. PJM, MISO, CISO. */
    eia: z.string().regex(/^[A-Z0-9]{2,8}$/, "an EIA-930 balancing authority code such as PJM").optional(),
    /** GB Carbon Intensity: `national` (regional data is forecast only, never actual). */
    gbCarbonIntensity: z.literal("national").optional(),
    source: z.string().min(1),
  })
  .strict();
export type GridZones = z.infer<typeof GridZones>;

const RegionFileEntry = z
  .object({
    location: z.string(),
    latitude: z.number().min(-90).max(90).nullable(),
    longitude: z.number().min(-180).max(180).nullable(),
    wattTimeRegion: z.string().nullable(),
    pue: Pue.optional(),
    marginal: Fallback.nullable(),
    average: Fallback.nullable(),
    gridZones: GridZones.optional(),
    note: z.string().optional(),
  })
  .strict();

export const RegionsFile = z
  .object({
    $comment: z.string().optional(),
    providerDefaults: z.object({ aws: z.object({ pue: Pue }), azure: z.object({ pue: Pue }), gcp: z.object({ pue: Pue }) }),
    globalFallback: z.object({ marginal: Fallback, average: Fallback }),
    regions: byProvider(RegionFileEntry),
  })
  .strict();

/** A user's config may add regions or override fields of known ones. */
export const RegionsOverride = byProvider(RegionFileEntry.partial()).partial();
export type RegionsOverride = z.infer<typeof RegionsOverride>;

/** Everything the pipeline knows about one cloud region, resolved: never undefined fields to guess at. */
export interface RegionEntry {
  provider: ProviderId;
  region: string;
  /** False for a region not in regions.json: provider PUE and the global fallback apply, and the row says so. */
  known: boolean;
  location: string;
  latitude: number | null;
  longitude: number | null;
  wattTimeRegion: string | null;
  /** The region's grid in the hourly location-based sources; null when none covers it. */
  gridZones: GridZones | null;
  pue: number;
  pueSource: string;
  fallback: Record<IntensitySignal, Fallback>;
  /** Set when a fallback figure came from the global default rather than the region's own data. */
  fallbackIsGlobal: Record<IntensitySignal, boolean>;
}

export interface Regions {
  get(provider: ProviderId, region: string): RegionEntry;
  /** Known regions of a provider, for suggestions. */
  list(provider: ProviderId): RegionEntry[];
}

const pueLabel = (p: z.infer<typeof Pue>): string => `${p.source} (${p.year})`;

export function buildRegions(raw: unknown, override: RegionsOverride | undefined, origin: string): Regions {
  const parsed = RegionsFile.safeParse(raw);
  if (!parsed.success) throw new UsageError(`regions ${origin}: ${firstIssue(parsed.error)}`);
  const file = parsed.data;
  const resolved = new Map<string, RegionEntry>();
  const unknown = new Map<string, RegionEntry>();

  for (const provider of ["aws", "azure", "gcp"] as const) {
    const names = new Set([...Object.keys(file.regions[provider]), ...Object.keys(override?.[provider] ?? {})]);
    for (const region of names) {
      const base = file.regions[provider][region];
      const extra = override?.[provider]?.[region];
      const merged = { ...base, ...extra };
      if (merged.location === undefined || merged.marginal === undefined || merged.average === undefined) {
        throw new UsageError(
          `config: regions.${provider}.${region} is a new region: give location, latitude, longitude, wattTimeRegion, marginal and average`,
        );
      }
      const pue = merged.pue ?? file.providerDefaults[provider].pue;
      resolved.set(`${provider}:${region}`, {
        provider,
        region,
        known: true,
        location: merged.location,
        latitude: merged.latitude ?? null,
        longitude: merged.longitude ?? null,
        wattTimeRegion: merged.wattTimeRegion ?? null,
        gridZones: merged.gridZones ?? null,
        pue: pue.value,
        pueSource: merged.pue ? pueLabel(pue) : `provider fleet PUE: ${pueLabel(pue)}`,
        fallback: { marginal: merged.marginal ?? file.globalFallback.marginal, average: merged.average ?? file.globalFallback.average },
        fallbackIsGlobal: { marginal: !merged.marginal, average: !merged.average },
      });
    }
  }

  return {
    get(provider, region) {
      const key = `${provider}:${region}`;
      const hit = resolved.get(key) ?? unknown.get(key);
      if (hit) return hit;
      const pue = file.providerDefaults[provider].pue;
      const entry: RegionEntry = {
        provider,
        region,
        known: false,
        location: "unknown region",
        latitude: null,
        longitude: null,
        wattTimeRegion: null,
        gridZones: null,
        pue: pue.value,
        pueSource: `provider fleet PUE (region not in regions.json): ${pueLabel(pue)}`,
        fallback: file.globalFallback,
        fallbackIsGlobal: { marginal: true, average: true },
      };
      unknown.set(key, entry);
      return entry;
    },
    list(provider) {
      return [...resolved.values()].filter((r) => r.provider === provider);
    },
  };
}
