import { budgetLimitText, budgetSummaryText } from "../budget-text.js";
import { dailySeries } from "../charts.js";
import { comparisonText } from "../header-extra.js";
import { embodiedBasis, utilizationText, type ReportData } from "../model.js";
import { human, percent } from "../numbers.js";
import { esc } from "./escape.js";
import { figure } from "./number.js";
import { barsSvg, budgetSvg, trendSvg, type DayPoint } from "./svg.js";
import { from, htmlTable } from "./table.js";

const card = (id: string, name: string, value: string, unit: string, band: string): string =>
  `<div class="card" id="${id}"><div class="name">${name}</div><div class="value">${value} <span class="unit">${unit}</span></div><div class="band">${band}</div></div>`;

/** The title, what the figures rest on, and the headline cards. */
export function headline(r: ReportData): string {
  const t = r.summary.totals;
  const o = r.options;
  const meta = [
    `${r.period.days} days, UTC, ${r.period.granularity} rows`,
    `providers: ${o.providers.join(", ") || "none"}`,
    `source: ${o.source}`,
    `signal: ${o.signal} (${o.intensity})`,
    `GPU utilization u = ${utilizationText(o)}`,
    `energy on fallback intensity: ${percent(t.fallbackFacilityEnergyKwh, t.facilityEnergyKwh)}`,
  ];
  const cards = [
    card("total-co2e", `CO2e, ${esc(o.signal)} signal`, figure(t.co2eKg), "kg", `band ${figure(t.co2eLowKg)} – ${figure(t.co2eHighKg)} kg`),
    card("total-energy", "Facility energy", figure(t.facilityEnergyKwh), "kWh", `band ${figure(t.facilityEnergyLowKwh)} – ${figure(t.facilityEnergyHighKwh)} kWh`),
    card(
      "total-hours",
      "Billed hours",
      figure(t.hours),
      "h",
      t.unknownPowerHours > 0 ? `${figure(t.unknownPowerHours)} h of unknown power, left out of the totals` : "instance-hours, or GPU-hours where billed per GPU",
    ),
  ];
  if (o.embodied) {
    cards.push(card("total-embodied", "Embodied (manufacturing), apart from CO2e", figure(t.embodiedKg), "kg", `band ${figure(t.embodiedLowKg)} – ${figure(t.embodiedHighKg)} kg; ${esc(embodiedBasis(o.embodied))}`));
  }
  if (r.comparison) {
    const c = r.comparison;
    const change = c.changePercent === null ? "new" : `${c.changePercent >= 0 ? "+" : ""}${human(c.changePercent, 1)}`;
    cards.push(card("change", `CO2e vs the ${c.previous.days} days before`, change, c.changePercent === null ? "" : "%", `${esc(c.previous.since)} to ${esc(c.previous.until)}: ${figure(c.previousCo2eKg)} kg`));
  }
  const partial =
    r.failures.length > 0
      ? `<p class="alert" role="alert"><strong>Partial report:</strong> ${r.failures.length} failed; their figures are missing. See <a href="#notes">Warnings and failures</a>.</p>`
      : "";
  return (
    `<header><h1>GPU emissions ${esc(r.period.since)} to ${esc(r.period.until)}</h1><p class="meta">${meta.map(esc).join(" · ")}</p></header>` +
    `${partial}<section aria-label="Totals"><div class="cards">${cards.join("")}</div></section>`
  );
}

export function budgetSection(r: ReportData): string {
  const b = r.budget;
  if (!b) return "";
  const state = b.exceeded ? "over" : b.thresholdPercent !== null || b.highExceeded ? "near" : "ok";
  const word = b.exceeded ? "Exceeded" : b.highExceeded ? "Within budget; the high bound is over it" : "Within budget";
  const desc = `Budget ${budgetLimitText(b)}: ${human(b.usedPercent)} % used by the central estimate, ${human(b.usedHighPercent)} % by the high bound.`;
  return (
    `<section aria-labelledby="budget-h"><h2 id="budget-h">Carbon budget: <span class="status-${state}">${esc(word)}</span></h2>` +
    `<figure>${budgetSvg("budget-chart", b.usedPercent, b.usedHighPercent, state, desc)}<figcaption>${esc(budgetSummaryText(b))}</figcaption></figure></section>`
  );
}

export function comparisonSection(r: ReportData): string {
  const c = r.comparison;
  if (!c) return "";
  const rows = [
    { label: `${c.previous.since} to ${c.previous.until}`, value: c.previousCo2eKg, text: `${human(c.previousCo2eKg)} kg` },
    { label: `${r.period.since} to ${r.period.until}`, value: c.co2eKg, text: `${human(c.co2eKg)} kg` },
  ];
  const text = comparisonText(r)!;
  return (
    `<section aria-labelledby="change-h"><h2 id="change-h">Change against the previous period</h2>` +
    `<figure>${barsSvg("change-chart", "CO2e, previous period and this one", text, rows)}<figcaption>${esc(text)}</figcaption></figure></section>`
  );
}

export function trendSection(r: ReportData): string {
  const bands = new Map(r.summary.byDay.map((g) => [g.key.day, g.totals]));
  const points: DayPoint[] = dailySeries(r.summary.byDay, r.period.since, r.period.until).map((d) => ({
    day: d.day,
    kg: d.kg,
    lowKg: bands.get(d.day)?.co2eLowKg ?? 0,
    highKg: bands.get(d.day)?.co2eHighKg ?? 0,
  }));
  if (points.length === 0) return "";
  const rows = points.map((p) => [p.day, { html: figure(p.kg) }, { html: `${figure(p.lowKg)} – ${figure(p.highKg)}` }]);
  return (
    `<section aria-labelledby="trend-h"><h2 id="trend-h">Daily trend</h2><figure>${trendSvg("trend-chart", points, r.options.signal)}` +
    `<figcaption>One bar per day (UTC); the line through each bar spans its low–high band.</figcaption></figure>` +
    `<details><summary>Daily figures</summary>${htmlTable("Daily figures", ["Day", "CO2e kg", "CO2e band kg"], rows, from(1, 3))}</details></section>`
  );
}

export function suggestionsSection(r: ReportData): string {
  const head = `<section aria-labelledby="suggest-h"><h2 id="suggest-h">Cleaner regions for the largest emitters</h2>`;
  if (r.suggestions.length === 0) return `${head}<p>None: no region that offers these instance types would have emitted less.</p></section>`;
  const rows = r.suggestions.map((s) => [
    s.provider,
    s.instanceType,
    s.fromRegion,
    `${s.toRegion} (${s.toLocation})`,
    { html: figure(s.fromCo2eKg) },
    { html: figure(s.toCo2eKg) },
    { html: figure(s.savingKg) },
    { html: `${figure(s.savingPercent, 1, 2)} %` },
  ]);
  return (
    `${head}<p>The same hours and power in a region that offers the type, at that region's PUE and ${esc(r.options.signal)} intensity over the same periods.</p>` +
    `${htmlTable("Cleaner-region suggestions", ["Provider", "Instance type", "From", "To", "CO2e kg", "There kg", "Saving kg", "Saving"], rows, from(4, 8))}</section>`
  );
}

export function notesSection(r: ReportData): string {
  const items = [...r.failures.map((f) => `<li><strong>failed:</strong> ${esc(f)}</li>`), ...r.warnings.map((w) => `<li>${esc(w)}</li>`)];
  const body = items.length === 0 ? "<p>None.</p>" : `<ul>${items.join("")}</ul>`;
  return `<section aria-labelledby="notes"><h2 id="notes">Warnings and failures</h2>${body}</section>`;
}

export function provenanceSection(r: ReportData): string {
  const rows = [...r.provenance].sort((a, b) => a.key.localeCompare(b.key)).map((p) => [p.key, p.zone ?? "-", p.signal, p.source, p.meanKgPerKwh.toFixed(3), p.note || "-"]);
  return (
    `<section aria-labelledby="prov-h"><h2 id="prov-h">Intensity provenance per region</h2>` +
    `${htmlTable("Where each region's grid intensity came from", ["Region", "Grid zone", "Signal", "Source", "kg/kWh", "Note"], rows, new Set([4]))}</section>`
  );
}
