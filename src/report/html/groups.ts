import type { Group, Totals } from "../../calc/summary.js";
import { topShares } from "../charts.js";
import type { ReportData } from "../model.js";
import { human, percent } from "../numbers.js";
import { figure } from "./number.js";
import { barsSvg } from "./svg.js";
import { from, htmlTable, type Cell } from "./table.js";

const figureHead = ["Billed hours", "Facility kWh", "CO2e kg", "CO2e band kg", "Share"];

/** A group's figures as in the summary CSV; a group whose power is wholly unknown says so rather than 0. */
function figures(t: Totals, all: Totals): Cell[] {
  if (t.unknownPowerHours === t.hours) return [{ html: figure(t.hours) }, "unknown", "unknown", "unknown", "-"];
  return [
    { html: figure(t.hours) },
    { html: figure(t.facilityEnergyKwh) },
    { html: figure(t.co2eKg) },
    { html: `${figure(t.co2eLowKg)} – ${figure(t.co2eHighKg)}` },
    percent(t.co2eKg, all.co2eKg),
  ];
}

/** A table of groups with the key columns first. */
export function groupTable<K>(caption: string, cols: string[], groups: readonly Group<K>[], keyCells: (k: K) => string[], r: ReportData): string {
  const rows = groups.map((g) => [...keyCells(g.key), ...figures(g.totals, r.summary.totals)]);
  return htmlTable(`Table: ${caption}`, [...cols, ...figureHead], rows, from(cols.length, cols.length + figureHead.length));
}

/**
 * One dimension of the shares: a bar chart of the largest groups (the rest summed into one bar, as on the
 * terminal) and the table of every group beneath it. Groups whose power is unknown have no CO2e to draw.
 */
export function shareSection<K>(id: string, title: string, cols: string[], groups: readonly Group<K>[], keyCells: (k: K) => string[], r: ReportData): string {
  const all = r.summary.totals;
  const drawn = topShares(
    groups.filter((g) => g.totals.unknownPowerHours < g.totals.hours).map((g) => ({ label: keyCells(g.key).join(":"), kg: g.totals.co2eKg })),
    9,
  );
  const rows = drawn.map((d) => ({ label: d.label, value: d.kg, text: `${percent(d.kg, all.co2eKg)} · ${human(d.kg)} kg` }));
  const desc = `Horizontal bars of each group's share of the ${human(all.co2eKg)} kg total, largest first: ${rows.map((x) => `${x.label} ${x.text}`).join("; ")}.`;
  const chart = rows.length > 0 ? `<figure>${barsSvg(id, title, desc, rows)}</figure>` : "";
  return `<section aria-labelledby="${id}-h"><h3 id="${id}-h">${title}</h3>${chart}${groupTable(title, cols, groups, keyCells, r)}</section>`;
}
