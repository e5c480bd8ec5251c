import Table from "cli-table3";
import type { ChalkInstance } from "chalk";
import type { Group, Totals } from "../calc/summary.js";
import { budgetSummaryText } from "./budget-text.js";
import { dailySeries, shareBars, topShares, trendChart } from "./charts.js";
import { comparisonText, partialText } from "./header-extra.js";
import { embodiedBasis, utilizationText, type ReportData } from "./model.js";
import { compact, human, percent } from "./numbers.js";
import { sanitizeLine as text } from "../text/sanitize.js";
import { signalsExplained, signalTotals } from "./signals-text.js";

export interface TableStyle {
  chalk: ChalkInstance;
  color: boolean;
}

type Align = "left" | "right";

function makeTable(head: string[], style: TableStyle, align: Align[]): Table.Table {
  return new Table({
    head: head.map((h) => style.chalk.bold(h)),
    colAligns: align,
    // No rule between rows: long tables stay readable and half as tall.
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    // cli-table3 colours head and borders by itself unless told not to: colour is decided once, by us.
    style: style.color ? { head: ["cyan"], border: ["grey"] } : { head: [], border: [] },
  });
}

const co2Band = (t: Totals): string => `${compact(t.co2eLowKg)}–${compact(t.co2eHighKg)}`;

function header(r: ReportData, s: TableStyle): string {
  const t = r.summary.totals;
  const c = s.chalk;
  const lines = [
    c.bold(`carbon-track — GPU emissions ${r.period.since} to ${r.period.until} (${r.period.days} days, UTC)`),
    `Providers: ${text(r.options.providers.join(", ")) || "none"}   Source: ${r.options.source}   u = ${text(utilizationText(r.options))}`,
    `Signal: ${r.options.signal} (${text(r.options.intensity)})   Energy on fallback intensity: ${percent(t.fallbackFacilityEnergyKwh, t.facilityEnergyKwh)}`,
    `Facility energy: ${c.bold(human(t.facilityEnergyKwh))} kWh (${human(t.facilityEnergyLowKwh)} – ${human(t.facilityEnergyHighKwh)})`,
    `CO2e: ${c.bold(human(t.co2eKg))} kg (band ${human(t.co2eLowKg)} – ${human(t.co2eHighKg)} kg)   Billed hours: ${human(t.hours)}`,
  ];
  const [lead, other] = signalTotals(t, r.options.signal);
  lines.splice(lines.length - 1, 1, c.bold(lead!), `${other!}   Billed hours: ${human(t.hours)}`, signalsExplained);
  if (r.options.embodied) lines.push(`Embodied (manufacturing, apart from CO2e): ${human(t.embodiedKg)} kg (band ${human(t.embodiedLowKg)} – ${human(t.embodiedHighKg)} kg; ${embodiedBasis(r.options.embodied)})`);
  if (t.unknownPowerHours > 0) lines.push(`Hours with unknown power (left out of totals): ${human(t.unknownPowerHours)}`);
  const comparison = comparisonText(r);
  if (comparison) lines.push(comparison);
  const partial = partialText(r);
  if (partial) lines.push(c.red.bold(partial));
  if (r.budget) {
    const text = `Budget: ${budgetSummaryText(r.budget)}`;
    lines.push(r.budget.exceeded ? c.red.bold(text) : r.budget.thresholdPercent !== null ? c.yellow(text) : text);
  }
  return lines.join("\n");
}

const figureHead = ["Hours", "kWh", "CO2e kg", "Band kg", "Share"];

function groupTable<K>(title: string, cols: string[], groups: Group<K>[], keyCells: (k: K) => string[], r: ReportData, s: TableStyle): string {
  const align: Align[] = [...cols.map((): Align => "left"), "right", "right", "right", "right", "right"];
  const table = makeTable([...cols, ...figureHead], s, align);
  for (const g of groups) {
    const t = g.totals;
    const unknown = t.unknownPowerHours === t.hours;
    const figures = unknown
      ? [compact(t.hours), "unknown", "unknown", "unknown", "-"]
      : [compact(t.hours), compact(t.facilityEnergyKwh), compact(t.co2eKg), co2Band(t), percent(t.co2eKg, r.summary.totals.co2eKg)];
    table.push([...keyCells(g.key), ...figures]);
  }
  return `${s.chalk.bold(title)}\n${table.toString()}`;
}

// Names from billing data (providers, regions, instance types, zones) are shown escaped: they may hold control characters.
const place = (k: { provider: string; region: string }): string => text(`${k.provider}:${k.region}`);

function provenanceTable(r: ReportData, s: TableStyle): string {
  // Both signals per region: the location-based (average) line first.
  const sorted = [...r.provenance].sort((a, b) => a.key.localeCompare(b.key) || a.signal.localeCompare(b.signal));
  // One reason for every region (the usual case with a fallback) is said once, in the title.
  const notes = new Set(sorted.map((p) => p.note));
  const shared = notes.size === 1 ? [...notes][0]! : null;
  const head = shared === null ? ["Region", "Signal", "Grid zone", "kg/kWh", "Source / note"] : ["Region", "Signal", "Grid zone", "kg/kWh", "Source"];
  const table = makeTable(head, s, ["left", "left", "left", "right", "left"]);
  for (const p of sorted) {
    const source = shared === null && p.note ? `${text(p.source)}\n${text(p.note)}` : text(p.source);
    table.push([text(p.key), p.signal === "average" ? "location" : "marginal", text(p.zone ?? "-"), p.meanKgPerKwh.toFixed(3), source]);
  }
  const signals = [...new Set(sorted.map((p) => p.signal))].join(", ");
  const title = `Intensity provenance per region (${signals || r.options.signal}${shared ? `; ${text(shared)}` : ""})`;
  return `${s.chalk.bold(title)}\n${table.toString()}`;
}

function suggestionsTable(r: ReportData, s: TableStyle): string {
  const title = s.chalk.bold("Cleaner regions for the largest emitters, ranked by marginal CO2 (same hours and power, that region's PUE and intensity; location-based change beside)");
  if (r.suggestions.length === 0) return `${title}\nnone: no region that offers these instance types would have emitted less`;
  const table = makeTable(["Instance type", "From → to", "CO2 kg", "There kg", "Saving kg", "Saving", "Location CO2e Δ kg"], s, ["left", "left", "right", "right", "right", "right", "right"]);
  for (const x of r.suggestions) {
    table.push([
      text(`${x.provider} ${x.instanceType}`),
      text(`${x.fromRegion} → ${x.toRegion}`),
      compact(x.fromCo2eKg),
      compact(x.toCo2eKg),
      s.chalk.green(compact(x.savingKg)),
      `${human(x.savingPercent, 0)} %`,
      x.locationChangeKg === null ? "-" : `${x.locationChangeKg > 0 ? "+" : ""}${compact(x.locationChangeKg)}`,
    ]);
  }
  return `${title}\n${table.toString()}`;
}

/**
 * The terminal report: header figures, the daily trend, shares by provider and region, then the tables
 * (region × type, region, provider), the cleaner-region suggestions and where each intensity came from.
 */
export function renderTables(r: ReportData, s: TableStyle): string {
  const providerShares = r.summary.byProvider.map((g) => ({ label: text(g.key.provider), kg: g.totals.co2eKg }));
  const regionShares = topShares(
    r.summary.byRegion.map((g) => ({ label: place(g.key), kg: g.totals.co2eKg })),
    10,
  );
  const parts = [
    header(r, s),
    trendChart(dailySeries(r.summary.byDay, r.period.since, r.period.until), s.chalk),
    shareBars("Share of CO2e by provider", providerShares, s.chalk),
    shareBars("Share of CO2e by region", regionShares, s.chalk),
    groupTable("CO2e by region and instance type (largest first)", ["Region", "Instance type"], r.summary.byRegionInstanceType, (k) => [place(k), text(k.instanceType)], r, s),
    groupTable("CO2e by region", ["Region"], r.summary.byRegion, (k) => [place(k)], r, s),
    groupTable("CO2e by provider", ["Provider"], r.summary.byProvider, (k) => [text(k.provider)], r, s),
    suggestionsTable(r, s),
    provenanceTable(r, s),
  ];
  return `${parts.filter(Boolean).join("\n\n")}\n`;
}
