import type { Group, Totals } from "../calc/summary.js";
import { signalsExplained, signalTotals } from "./signals-text.js";
import { budgetSummaryText } from "./budget-text.js";
import { dailySeries, sparkline } from "./charts.js";
import { comparisonText, partialText } from "./header-extra.js";
import { embodiedBasis, utilizationText, type ReportData } from "./model.js";
import { human, percent } from "./numbers.js";
import { sanitizeLine } from "../text/sanitize.js";
import { groupBudgetLine } from "./group-budget-text.js";

/**
 * Text that GitHub's Markdown (GFM) shows as written: control characters and line breaks are shown escaped
 * (`\x1b`, `\n`: the report may go to a terminal, and a cell must stay one row), then the characters that start
 * inline markup, HTML or a table cell boundary are backslash-escaped, a backslash included so that `\|` in the
 * data cannot end a cell.
 */
export function escapeMarkdown(text: string): string {
  return sanitizeLine(text).replace(/[\\`*_[\]<>|~&#!]/g, "\\$&");
}

type Cell = string;

/** A GFM table; every cell is escaped here, so callers pass plain text. */
function mdTable(head: string[], align: ("l" | "r")[], rows: Cell[][]): string {
  const line = (cells: string[]): string => `| ${cells.map(escapeMarkdown).join(" | ")} |`;
  const rule = `|${align.map((a) => (a === "r" ? " ---: " : " --- ")).join("|")}|`;
  return [line(head), rule, ...rows.map(line)].join("\n");
}

function figures(t: Totals, all: Totals): string[] {
  if (t.unknownPowerHours === t.hours) return [human(t.hours), "unknown", "unknown", "unknown", "-"];
  return [human(t.hours), human(t.facilityEnergyKwh), human(t.co2eKg), `${human(t.co2eLowKg)} – ${human(t.co2eHighKg)}`, percent(t.co2eKg, all.co2eKg)];
}

const figureHead = ["Billed hours", "Facility kWh", "CO2e kg", "CO2e band kg", "Share"];

function groupSection<K>(title: string, cols: string[], groups: Group<K>[], keyCells: (k: K) => string[], r: ReportData): string {
  const rows = groups.map((g) => [...keyCells(g.key), ...figures(g.totals, r.summary.totals)]);
  const align = [...cols.map(() => "l" as const), ...figureHead.map(() => "r" as const)];
  return `### ${title}\n\n${mdTable([...cols, ...figureHead], align, rows)}`;
}

function headerSection(r: ReportData): string {
  const t = r.summary.totals;
  const series = dailySeries(r.summary.byDay, r.period.since, r.period.until);
  const lines = [
    `## carbon-track: GPU emissions ${r.period.since} to ${r.period.until} (${r.period.days} ${r.period.days === 1 ? "day" : "days"}, UTC)`,
    "",
    ...signalTotals(t, r.options.signal).map((l, i) => (i === 0 ? `- **${l}**` : `- ${l}`)),
    `- ${signalsExplained}`,
    `- Facility energy: ${human(t.facilityEnergyKwh)} kWh (${human(t.facilityEnergyLowKwh)} – ${human(t.facilityEnergyHighKwh)}); billed hours (instance-hours, or GPU-hours where billed per GPU): ${human(t.hours)}`,
    `- Providers: ${escapeMarkdown(r.options.providers.join(", ") || "none")}; source: ${r.options.source}; GPU utilization u = ${escapeMarkdown(utilizationText(r.options))}`,
    `- Signal: ${r.options.signal} (${escapeMarkdown(r.options.intensity)}); energy on fallback intensity: ${percent(t.fallbackFacilityEnergyKwh, t.facilityEnergyKwh)}`,
  ];
  if (r.options.embodied) lines.push(`- Embodied (manufacturing, apart from CO2e): ${human(t.embodiedKg)} kg (band ${human(t.embodiedLowKg)} – ${human(t.embodiedHighKg)} kg; ${embodiedBasis(r.options.embodied)})`);
  if (t.unknownPowerHours > 0) lines.push(`- Hours with unknown power (left out of totals): ${human(t.unknownPowerHours)}`);
  for (const extra of [comparisonText(r), partialText(r)]) if (extra) lines.push(`- ${escapeMarkdown(extra)}`);
  if (series.length > 1) lines.push(`- Daily CO2e trend: \`${sparkline(series.map((d) => d.kg))}\` (peak ${human(Math.max(...series.map((d) => d.kg)))} kg/day)`);
  if (r.budget) lines.push(`- ${r.budget.exceeded ? "**Budget exceeded**" : "Budget"}: ${escapeMarkdown(budgetSummaryText(r.budget))}`);
  for (const b of r.groupBudgets ?? []) lines.push(`- ${b.status.exceeded ? "**Group budget exceeded**" : "Group budget"}: ${escapeMarkdown(groupBudgetLine(b))}`);
  return lines.join("\n");
}

/** Values per --group-by key in a job summary: the largest; the files hold them all. */
const topGroups = 10;

function attributionSections(r: ReportData): string[] {
  return (r.attribution?.byKey ?? []).map(({ key, groups }) => {
    const more = groups.length > topGroups ? `\n\nand ${groups.length - topGroups} more in carbon_summary (column ${r.attribution!.keys.find((k) => k.id === key)?.column}).` : "";
    return `${groupSection(`Top groups by ${key}`, [key], groups.slice(0, topGroups), (k) => [k.value], r)}${more}`;
  });
}

function suggestionsSection(r: ReportData): string {
  const title = "### Cleaner regions for the largest emitters";
  if (r.suggestions.length === 0) return `${title}\n\nNone: no region that offers these instance types would have emitted less.`;
  const rows = r.suggestions.map((s) => [
    s.provider,
    s.instanceType,
    s.fromRegion,
    `${s.toRegion} (${s.toLocation})`,
    human(s.fromCo2eKg),
    human(s.toCo2eKg),
    human(s.savingKg),
    `${human(s.savingPercent)} %`,
    s.locationChangeKg === null ? "-" : `${s.locationChangeKg > 0 ? "+" : ""}${human(s.locationChangeKg)}`,
  ]);
  const table = mdTable(
    ["Provider", "Instance type", "From", "To", "CO2 kg", "There kg", "Saving kg", "Saving", "Location CO2e Δ kg"],
    ["l", "l", "l", "l", "r", "r", "r", "r", "r"],
    rows,
  );
  return `${title}\n\nThe same hours and power in a region that offers the type, at that region's PUE, ranked by marginal CO2 (the decision signal) over the same periods; the last column is the change in location-based CO2e (the inventory figure), which can go the other way.\n\n${table}`;
}

function provenanceSection(r: ReportData): string {
  const rows = [...r.provenance]
    .sort((a, b) => a.key.localeCompare(b.key))
    .map((p) => [p.key, p.zone ?? "-", p.signal, p.source, p.meanKgPerKwh.toFixed(3), p.note || "-"]);
  return `### Intensity provenance per region\n\n${mdTable(["Region", "Grid zone", "Signal", "Source", "kg/kWh", "Note"], ["l", "l", "l", "l", "r", "l"], rows)}`;
}

function notesSection(r: ReportData): string {
  const items = [...r.failures.map((f) => `failed: ${f}`), ...r.warnings];
  if (items.length === 0) return "";
  return `### Warnings\n\n${items.map((w) => `- ${escapeMarkdown(w)}`).join("\n")}`;
}

/** The Markdown report for pull requests and job summaries (GFM tables). */
export function renderMarkdown(r: ReportData): string {
  const parts = [
    headerSection(r),
    groupSection("CO2e by region and instance type", ["Provider", "Region", "Instance type"], r.summary.byRegionInstanceType, (k) => [k.provider, k.region, k.instanceType], r),
    groupSection("CO2e by region", ["Provider", "Region"], r.summary.byRegion, (k) => [k.provider, k.region], r),
    groupSection("CO2e by provider", ["Provider"], r.summary.byProvider, (k) => [k.provider], r),
    ...attributionSections(r),
    suggestionsSection(r),
    provenanceSection(r),
    notesSection(r),
  ];
  return `${parts.filter(Boolean).join("\n\n")}\n`;
}
