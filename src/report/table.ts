import Table from "cli-table3";
import type { ChalkInstance } from "chalk";
import type { Group, Totals } from "../calc/summary.js";
import type { ReportData } from "./model.js";
import { human, percent } from "./numbers.js";

export interface TableStyle {
  chalk: ChalkInstance;
  color: boolean;
}

function makeTable(head: string[], style: TableStyle, align: ("left" | "right")[]): Table.Table {
  return new Table({
    head: head.map((h) => style.chalk.bold(h)),
    colAligns: align,
    // No rule between rows: long tables stay readable and half as tall.
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    // cli-table3 colours head and borders by itself unless told not to: colour is decided once, by us.
    style: style.color ? { head: ["cyan"], border: ["grey"] } : { head: [], border: [] },
  });
}

const co2Band = (t: Totals): string => `${human(t.co2eLowKg)} – ${human(t.co2eHighKg)}`;

function header(r: ReportData, s: TableStyle): string {
  const t = r.summary.totals;
  const c = s.chalk;
  const lines = [
    c.bold(`carbon-track — GPU emissions ${r.period.since} to ${r.period.until} (${r.period.days} days, UTC)`),
    `Providers: ${r.options.providers.join(", ") || "none"}   Source: ${r.options.source}   GPU utilization u = ${r.options.gpuUtilization}   Signal: ${r.options.signal} (${r.options.intensity})`,
    `Facility energy: ${c.bold(human(t.facilityEnergyKwh))} kWh (${human(t.facilityEnergyLowKwh)} – ${human(t.facilityEnergyHighKwh)})`,
    `CO2e: ${c.bold(human(t.co2eKg))} kg (band ${co2Band(t)} kg)   GPU hours: ${human(t.hours)}`,
    `Energy on fallback intensity: ${percent(t.fallbackFacilityEnergyKwh, t.facilityEnergyKwh)}` +
      (t.unknownPowerHours > 0 ? `   Hours with unknown power (left out of totals): ${human(t.unknownPowerHours)}` : ""),
  ];
  return lines.join("\n");
}

function totalsRow(t: Totals, all: Totals): string[] {
  return [
    human(t.hours),
    human(t.facilityEnergyKwh),
    human(t.co2eKg),
    co2Band(t),
    percent(t.co2eKg, all.co2eKg),
  ];
}

function groupTable<K>(title: string, cols: string[], groups: Group<K>[], keyCells: (k: K) => string[], r: ReportData, s: TableStyle): string {
  const table = makeTable([...cols, "GPU h", "Facility kWh", "CO2e kg", "CO2e band kg", "Share"], s, [
    ...cols.map(() => "left" as const),
    "right",
    "right",
    "right",
    "right",
    "right",
  ]);
  for (const g of groups) {
    const row = [...keyCells(g.key), ...totalsRow(g.totals, r.summary.totals)];
    if (g.totals.unknownPowerHours === g.totals.hours) row[cols.length + 1] = row[cols.length + 2] = row[cols.length + 3] = "unknown";
    table.push(row);
  }
  return `${s.chalk.bold(title)}\n${table.toString()}`;
}

function provenanceTable(r: ReportData, s: TableStyle): string {
  const table = makeTable(["Region", "Grid zone", "Signal", "Source", "kg/kWh", "Note"], s, ["left", "left", "left", "left", "right", "left"]);
  const sorted = [...r.provenance].sort((a, b) => a.key.localeCompare(b.key));
  for (const p of sorted) table.push([p.key, p.zone ?? "-", p.signal, p.source, p.meanKgPerKwh.toFixed(3), p.note || "-"]);
  return `${s.chalk.bold("Intensity provenance per region")}\n${table.toString()}`;
}

/** The terminal report: a header, then CO2 by region × type, by region, by provider, and where each intensity came from. */
export function renderTables(r: ReportData, s: TableStyle): string {
  const parts = [
    header(r, s),
    groupTable("CO2e by region and instance type (largest first)", ["Provider", "Region", "Instance type"], r.summary.byRegionInstanceType, (k) => [k.provider, k.region, k.instanceType], r, s),
    groupTable("CO2e by region", ["Provider", "Region"], r.summary.byRegion, (k) => [k.provider, k.region], r, s),
    groupTable("CO2e by provider", ["Provider"], r.summary.byProvider, (k) => [k.provider], r, s),
    provenanceTable(r, s),
  ];
  return `${parts.join("\n\n")}\n`;
}
