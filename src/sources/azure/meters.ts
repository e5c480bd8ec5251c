import { z } from "zod";
import { packageDataFile } from "../../config/paths.js";
import { readJsonFile } from "../../config/validate.js";

/** config/azure-meters.json: meter name → catalog VM size, with where the pairs came from. */
export const MetersFile = z
  .object({
    $comment: z.string().optional(),
    source: z.string().min(1),
    meters: z.record(z.string().min(1), z.string().regex(/^Standard_[A-Za-z0-9_]+$/, "a VM size such as Standard_ND96asr_v4")),
  })
  .strict();

/** Lower-cased base meter name → VM size. */
export type MeterMap = ReadonlyMap<string, string>;

export function loadMeterMap(path = packageDataFile("azure-meters.json")): MeterMap {
  const file = readJsonFile(path, MetersFile, "Azure meter map");
  return new Map(Object.entries(file.meters).map(([meter, size]) => [meter.toLowerCase(), size]));
}

export type Pricing = "regular" | "spot" | "low-priority";

export type MeterMatch =
  | { kind: "gpu"; size: string; pricing: Pricing }
  /** An N-series meter the map does not know: worth a warning, never a guess. */
  | { kind: "unknown-gpu" }
  /** Not a GPU VM (D, E, F… series): dropped without a word. */
  | { kind: "other" };

// Suffixes the billing system appends to a size's base meter. Windows meters usually share the Linux name
// (the licence is a separate meter category), but some carry the word: both map to the same hardware.
const suffixes: ReadonlyArray<[RegExp, Pricing | null]> = [
  [/ spot$/i, "spot"],
  [/ low priority$/i, "low-priority"],
  [/ windows$/i, null],
];

// Azure's GPU families all start with N (NC, ND, NV, NG, NP…) followed by a digit count of vCPUs.
const nSeries = /^N[A-Z]?\d/i;

export function matchMeter(meterName: string, meters: MeterMap): MeterMatch {
  let base = meterName.trim();
  let pricing: Pricing = "regular";
  for (let stripped = true; stripped; ) {
    stripped = false;
    for (const [suffix, kind] of suffixes) {
      if (suffix.test(base)) {
        base = base.replace(suffix, "");
        if (kind) pricing = kind;
        stripped = true;
      }
    }
  }
  const size = meters.get(base.toLowerCase());
  if (size) return { kind: "gpu", size, pricing };
  return nSeries.test(base) ? { kind: "unknown-gpu" } : { kind: "other" };
}

/** Hour units a VM meter may carry. The block size prices the meter; UsageQuantity is already in hours. */
export const isHourUnit = (unit: string): boolean => /^(1|10|100) Hours?$/i.test(unit.trim());
