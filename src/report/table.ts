import type { ChalkInstance } from "chalk";
import type { Group, Totals } from "../calc/summary.js";
import { budgetSummaryText } from "./budget-text.js";
import { chartWidth, dailySeries, shareBars, topShares, trendChart } from "./charts.js";
import { comparisonText, partialText } from "./header-extra.js";
import { embodiedBasis, utilizationText, type ReportData } from "./model.js";
import { compact, human, percent } from "./numbers.js";
import { sanitizeLine as text } from "../text/sanitize.js";
import { wrapText } from "../text/wrap.js";
import { fitTable, type Align, type FitColumn } from "./fit-table.js";
import { signalsExplained, signalTotals } from "./signals-text.js";
import { attributionSections } from "./attribution-tables.js";

export interface TableStyle {
  chalk: ChalkInstance;
  color: boolean;
  /** The terminal's width: tables and long lines are fitted to it. Null: no limit (a file or a pipe). */
  width: number | null;
}

const table = (columns: FitColumn[], rows: string[][], s: TableStyle): string =>
  fitTable(columns, rows, s.width, { head: (h) => s.chalk.bold(h), color: s.color });

/** Lines no wider than the terminal, continued with an indent. */
const fitLines = (lines: readonly string[], s: TableStyle): string =>
  lines.flatMap((l) => (s.width === null ? [l] : wrapText(l, s.width, "  "))).join("\n");

const co2Band = (t: Totals): string => `${compact(t.co2eLowKg)}–${compact(t.co2eHighKg)}`;

function header(r: ReportData, s: TableStyle): string {
  const t = r.summary.totals;
  const c = s.chalk;
  const lines = [
    c.bold(`carbon-track — GPU emissions ${r.period.since} to ${r.period.until} (${r.period.days} ${r.period.days === 1 ? "day" : "days"}, UTC)`),
    `Providers: ${providerList(r, c)}   Source: ${r.options.source}   u = ${text(utilizationText(r.options))}`,
    `Signal: ${r.options.signal} (${text(r.options.intensity)})   Energy on fallback intensity: ${percent(t.fallbackFacilityEnergyKwh, t.facilityEnergyKwh)}`,
    `Facility energy: ${c.bold(human(t.facilityEnergyKwh))} kWh (${human(t.facilityEnergyLowKwh)} – ${human(t.facilityEnergyHighKwh)})`,
    `CO2e: ${c.bold(human(t.co2eKg))} kg (band ${human(t.co2eLowKg)} – ${human(t.co2eHighKg)} kg)   Billed hours: ${billedHours(t)}`,
  ];
  const [lead, other] = signalTotals(t, r.options.signal);
  lines.splice(lines.length - 1, 1, c.bold(lead!), `${other!}   Billed hours: ${billedHours(t)}`, signalsExplained);
  if (r.options.embodied) lines.push(`Embodied (manufacturing, apart from CO2e): ${human(t.embodiedKg)} kg (band ${human(t.embodiedLowKg)} – ${human(t.embodiedHighKg)} kg; ${embodiedBasis(r.options.embodied)})`);
  if (t.unknownPowerHours > 0) lines.push(`Hours with unknown power (left out of kWh and CO2e; marked * below): ${human(t.unknownPowerHours)}`);
  const comparison = comparisonText(r);
  if (comparison) lines.push(text(comparison));
  const partial = partialText(r);
  if (partial) lines.push(c.red.bold(text(partial)));
  if (r.budget) {
    const text = `Budget: ${budgetSummaryText(r.budget)}`;
    lines.push(r.budget.exceeded ? c.red.bold(text) : r.budget.thresholdPercent !== null ? c.yellow(text) : text);
  }
  return fitLines(lines, s);
}

/** Instance-hours and GPU-hours are different units: the header says which the total holds. */
function billedHours(t: Totals): string {
  const instance = t.hours - t.gpuHours;
  if (t.gpuHours === 0) return `${human(t.hours)} instance-hours`;
  if (instance === 0) return `${human(t.hours)} GPU-hours`;
  return `${human(instance)} instance-hours + ${human(t.gpuHours)} GPU-hours`;
}

/** The providers of the run, those that failed marked (red on a terminal): a partial report must not pass for whole. */
function providerList(r: ReportData, c: ChalkInstance): string {
  const failed = new Set(r.failures.map((f) => /^(\w+):/.exec(f)?.[1]).filter(Boolean));
  const names = r.options.providers.map((p) => (failed.has(p) ? c.red.bold(`${text(p)} (failed)`) : text(p)));
  return names.join(", ") || "none";
}

/** Hours, kWh, CO2e, band, share; the band goes first when the terminal is narrow, then the share, then kWh. */
const figureColumns: FitColumn[] = [
  { head: "Hours", align: "right" },
  { head: "kWh", align: "right", dropRank: 3 },
  { head: "CO2e kg", align: "right" },
  { head: "Band kg", align: "right", dropRank: 1 },
  { head: "Share", align: "right", dropRank: 2 },
];

function groupTable<K>(title: string, cols: string[], groups: Group<K>[], keyCells: (k: K) => string[], r: ReportData, s: TableStyle): string {
  const keys = cols.map((head, i): FitColumn => ({ head, align: "left" as Align, minWidth: i === 0 ? 12 : 14 }));
  const rows = groups.map((g) => {
    const t = g.totals;
    const unknown = t.unknownPowerHours === t.hours;
    // Hours of unknown power count in Hours but not in kWh and CO2e: a mixed group's hours are marked.
    const hours = t.unknownPowerHours > 0 && !unknown ? `${compact(t.hours)}*` : compact(t.hours);
    const figures = unknown
      ? [hours, "unknown", "unknown", "unknown", "-"]
      : [hours, compact(t.facilityEnergyKwh), compact(t.co2eKg), co2Band(t), percent(t.co2eKg, r.summary.totals.co2eKg)];
    return [...keyCells(g.key), ...figures];
  });
  const marked = groups.some((g) => g.totals.unknownPowerHours > 0 && g.totals.unknownPowerHours < g.totals.hours);
  const note = marked ? `\n${fitLines(["* includes hours of unknown power, left out of kWh and CO2e"], s)}` : "";
  return `${s.chalk.bold(title)}\n${table([...keys, ...figureColumns], rows, s)}${note}`;
}

// Names from billing data (providers, regions, instance types, zones) are shown escaped: they may hold control characters.
const place = (k: { provider: string; region: string }): string => text(`${k.provider}:${k.region}`);

function provenanceTable(r: ReportData, s: TableStyle): string {
  // Both signals per region: the location-based (average) line first.
  const sorted = [...r.provenance].sort((a, b) => a.key.localeCompare(b.key) || a.signal.localeCompare(b.signal));
  // One reason for every region (the usual case with a fallback) is said once, in the title.
  const notes = new Set(sorted.map((p) => p.note));
  const shared = notes.size === 1 ? [...notes][0]! : null;
  const columns: FitColumn[] = [
    { head: "Region", align: "left", minWidth: 12 },
    { head: "Signal", align: "left" },
    { head: "Grid zone", align: "left", minWidth: 8, dropRank: 1 },
    { head: "kg/kWh", align: "right" },
    { head: shared === null ? "Source / note" : "Source", align: "left", minWidth: 16 },
  ];
  const rows = sorted.map((p) => {
    const source = shared === null && p.note ? `${text(p.source)}\n${text(p.note)}` : text(p.source);
    return [text(p.key), p.signal === "average" ? "location" : "marginal", text(p.zone ?? "-"), p.meanKgPerKwh.toFixed(3), source];
  });
  const signals = [...new Set(sorted.map((p) => p.signal))].join(", ");
  const title = `Intensity provenance per region (${signals || r.options.signal}${shared ? `; ${text(shared)}` : ""})`;
  return `${fitLines([s.chalk.bold(title)], s)}\n${table(columns, rows, s)}`;
}

function suggestionsTable(r: ReportData, s: TableStyle): string {
  const title = fitLines(
    [s.chalk.bold("Cleaner regions for the largest emitters, ranked by marginal CO2 (same hours and power, that region's PUE and intensity; location-based change beside)")],
    s,
  );
  const gaps = (r.suggestionGaps ?? []).length > 0 ? `\n${fitLines((r.suggestionGaps ?? []).map((g) => `Not suggested: ${text(g)}`), s)}` : "";
  if (r.suggestions.length === 0) return `${title}\nnone: no region that offers these instance types would have emitted less${gaps}`;
  const columns: FitColumn[] = [
    { head: "Instance type", align: "left", minWidth: 14 },
    { head: "From → to", align: "left", minWidth: 14 },
    { head: "CO2 kg", align: "right" },
    { head: "There kg", align: "right", dropRank: 1 },
    { head: "Saving kg", align: "right", dropRank: 2 },
    { head: "Saving", align: "right" },
    { head: "Location CO2e Δ kg", align: "right", dropRank: 3 },
  ];
  const rows = r.suggestions.map((x) => [
      text(`${x.provider} ${x.instanceType}`),
      text(`${x.fromRegion} → ${x.toRegion}`),
      compact(x.fromCo2eKg),
      compact(x.toCo2eKg),
      s.chalk.green(compact(x.savingKg)),
      `${human(x.savingPercent, 0)} %`,
      x.locationChangeKg === null ? "-" : `${x.locationChangeKg > 0 ? "+" : ""}${compact(x.locationChangeKg)}`,
    ]);
  return `${title}\n${table(columns, rows, s)}${gaps}`;
}

/** What failed, in full: the error on stderr has scrolled away above a long report by the time it ends. */
function failuresSection(r: ReportData, s: TableStyle): string {
  if (r.failures.length === 0) return "";
  const title = s.chalk.red.bold(`Failures (${r.failures.length}): their data is not in this report`);
  return `${title}\n${fitLines(r.failures.map((f) => `  ${text(f)}`), s)}`;
}

/** Warnings again, one short line each, where they are seen: in full on stderr before the report. */
function warningsSummary(r: ReportData, s: TableStyle): string {
  if (r.warnings.length === 0) return "";
  const shown = 8;
  const room = (s.width ?? 120) - 4;
  const short = (w: string): string => {
    const line = text(w);
    return line.length > room ? `${line.slice(0, room - 1)}…` : line;
  };
  const lines = r.warnings.slice(0, shown).map((w) => `  ${short(w)}`);
  if (r.warnings.length > shown) lines.push(`  and ${r.warnings.length - shown} more`);
  return `${s.chalk.yellow.bold(`Warnings (${r.warnings.length}; in full on stderr above the report)`)}\n${lines.join("\n")}`;
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
    fitLines(trendChart(dailySeries(r.summary.byDay, r.period.since, r.period.until), s.chalk, 8, Math.min(chartWidth, s.width ?? chartWidth)).split("\n"), s),
    shareBars("Share of CO2e by provider", providerShares, s.chalk),
    shareBars("Share of CO2e by region", regionShares, s.chalk),
    groupTable("CO2e by region and instance type (largest first)", ["Region", "Instance type"], r.summary.byRegionInstanceType, (k) => [place(k), text(k.instanceType)], r, s),
    groupTable("CO2e by region", ["Region"], r.summary.byRegion, (k) => [place(k)], r, s),
    groupTable("CO2e by provider", ["Provider"], r.summary.byProvider, (k) => [text(k.provider)], r, s),
    ...attributionSections(r, s.chalk, (title, cols, groups, cells) => groupTable(title, cols, groups, cells, r, s)),
    suggestionsTable(r, s),
    provenanceTable(r, s),
    failuresSection(r, s),
    warningsSummary(r, s),
  ];
  return `${parts.filter(Boolean).join("\n\n")}\n`;
}
