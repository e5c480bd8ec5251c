import type { RegionEntry } from "../config/regions.js";
import type { IntensitySignal } from "../schema.js";
import type { IntensityContext, IntensityProvider, IntensityTable, IntensityValue, RegionDemand } from "./types.js";

/** The documented fallback for one region: its annual figure of the run's signal type, from regions.json. */
export function fallbackValue(region: RegionEntry, signal: IntensitySignal, note: string): IntensityValue {
  const f = region.fallback[signal];
  const reasons = [note];
  if (!region.known) reasons.push("region not in regions.json: global fallback");
  else if (region.fallbackIsGlobal[signal]) reasons.push(`no ${signal} figure for this region: global fallback`);
  return {
    kgPerKwh: f.kgPerKwh,
    signal,
    source: `fallback:${f.dataset}@${f.year}`,
    note: reasons.filter(Boolean).join("; "),
  };
}

export function emptyTable(): IntensityTable {
  return { byPeriod: new Map(), byRegion: new Map(), provenance: [], warnings: [], failures: [], requests: {} };
}

/** Adds a region whose every period uses one value (a fallback) to a table. */
export function addRegionFallback(table: IntensityTable, demand: RegionDemand, value: IntensityValue): void {
  table.byRegion.set(demand.key, value);
  table.provenance.push({
    key: demand.key,
    zone: demand.region.wattTimeRegion,
    signal: value.signal,
    source: value.source,
    note: value.note,
    meanKgPerKwh: value.kgPerKwh,
  });
}

/** Static intensity: every region gets its annual figure. Used by --demo, --intensity static, and as the fallback. */
export function staticProvider(note: string): IntensityProvider {
  return {
    id: "static",
    async resolve(demands: RegionDemand[], ctx: IntensityContext): Promise<IntensityTable> {
      const table = emptyTable();
      for (const d of demands) addRegionFallback(table, d, fallbackValue(d.region, ctx.signal, note));
      return table;
    },
  };
}
