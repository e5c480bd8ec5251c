import { toCsv } from "../report/csv.js";
import { neutralizeText } from "../report/csv-safe.js";
import type { IntensityValue } from "../intensity/types.js";
import type { StoredTables } from "./material.js";

interface Line {
  signal: string;
  key: string;
  zone: string;
  periodStart: string;
  value: IntensityValue;
}

const columns: { header: string; cell(l: Line): string }[] = [
  { header: "signal", cell: (l) => l.signal },
  { header: "region_key", cell: (l) => neutralizeText(l.key) },
  { header: "zone", cell: (l) => neutralizeText(l.zone) },
  // Empty for a region's whole-window value (a fallback applied to every period).
  { header: "period_start", cell: (l) => l.periodStart },
  { header: "intensity_kg_per_kwh", cell: (l) => String(l.value.kgPerKwh) },
  { header: "source", cell: (l) => neutralizeText(l.value.source) },
  { header: "matching", cell: (l) => l.value.matching ?? "" },
  { header: "note", cell: (l) => neutralizeText(l.value.note) },
];

/**
 * inputs/intensity.csv: the series the estimate applied, one line per signal × region × period, for a person or a
 * spreadsheet. intensity.json holds the same values for `replay`; this file is a view of it.
 */
export function intensityCsv(tables: StoredTables): string {
  const lines: Line[] = [];
  for (const signal of ["average", "marginal"] as const) {
    const t = tables[signal];
    const zones = new Map(t.provenance.map((p) => [p.key, p.zone ?? ""]));
    for (const [key, value] of Object.entries(t.byRegion)) lines.push({ signal, key, zone: zones.get(key) ?? "", periodStart: "", value });
    for (const [key, periods] of Object.entries(t.byPeriod)) {
      for (const [periodStart, value] of Object.entries(periods)) lines.push({ signal, key, zone: zones.get(key) ?? "", periodStart, value });
    }
  }
  return toCsv(columns, lines);
}
