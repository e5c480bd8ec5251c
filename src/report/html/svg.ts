import { human } from "../numbers.js";
import { esc } from "./escape.js";

/**
 * Inline SVG charts, drawn here in Node: no script, no font and no library travels with the page. Every chart is
 * an image with a title and a description (role="img", aria-labelledby), names its axes, and is followed on the
 * page by a table of the same figures. Colours come from the page's CSS classes (Okabe-Ito, light and dark).
 */

export interface DayPoint {
  day: string;
  kg: number;
  lowKg: number;
  highKg: number;
}

export interface BarRow {
  label: string;
  value: number;
  /** Shown after the bar: the figures the bar stands for. */
  text: string;
}

const fmt = (v: number): string => (Math.round(v * 10) / 10).toString();

/** A round axis step (1, 2 or 5 × 10^k) giving about `count` ticks up to at least `max`. */
export function axisTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const ticks: number[] = [];
  // Multiples of the step, rounded to 12 digits so that 3 × 0.2 is 0.6.
  for (let i = 0; i * step < max + step; i++) ticks.push(Number((i * step).toPrecision(12)));
  return ticks;
}

function frame(id: string, title: string, desc: string, width: number, height: number, body: string): string {
  return (
    `<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="${id}-t ${id}-d">` +
    `<title id="${id}-t">${esc(title)}</title><desc id="${id}-d">${esc(desc)}</desc>${body}</svg>`
  );
}

/** Daily CO2e as bars, each day's band as a whisker, with a labelled y axis (kg) and dates under the bars. */
export function trendSvg(id: string, points: readonly DayPoint[], signal: string): string {
  const [width, height, left, right, top, bottom] = [760, 280, 70, 12, 14, 52];
  const plotW = width - left - right;
  const plotH = height - top - bottom;
  const ticks = axisTicks(Math.max(0, ...points.map((p) => p.highKg)));
  const top$ = ticks.at(-1)!;
  const digits = Math.max(0, Math.ceil(-Math.log10(ticks[1]! - ticks[0]!) - 1e-9));
  const y = (v: number): number => top + plotH - (plotH * v) / top$;
  const slot = plotW / Math.max(1, points.length);
  const parts: string[] = [];
  for (const t of ticks) {
    parts.push(`<line class="grid" x1="${left}" x2="${width - right}" y1="${fmt(y(t))}" y2="${fmt(y(t))}"/>`);
    parts.push(`<text class="tick" x="${left - 6}" y="${fmt(y(t) + 4)}" text-anchor="end">${human(t, digits)}</text>`);
  }
  // At most about eight date labels, the first and the last always among them.
  const every = Math.max(1, Math.ceil(points.length / 8));
  points.forEach((p, i) => {
    const x = left + i * slot;
    const w = Math.max(1, slot * 0.72);
    const tip = `${p.day}: ${human(p.kg)} kg (band ${human(p.lowKg)} – ${human(p.highKg)} kg)`;
    parts.push(`<g class="day"><title>${esc(tip)}</title>`);
    if (p.kg > 0) parts.push(`<rect class="bar" x="${fmt(x + (slot - w) / 2)}" y="${fmt(y(p.kg))}" width="${fmt(w)}" height="${fmt(y(0) - y(p.kg))}"/>`);
    if (p.highKg > p.lowKg) parts.push(`<line class="band" x1="${fmt(x + slot / 2)}" x2="${fmt(x + slot / 2)}" y1="${fmt(y(p.highKg))}" y2="${fmt(y(p.lowKg))}"/>`);
    parts.push("</g>");
    // The last day is labelled too unless it would crowd the label before it.
    const last = i === points.length - 1 && i % every >= every / 2;
    if (i % every === 0 || last) {
      parts.push(`<text class="tick" x="${fmt(x + slot / 2)}" y="${top + plotH + 16}" text-anchor="middle">${esc(p.day.slice(5))}</text>`);
    }
  });
  parts.push(`<line class="axis" x1="${left}" x2="${width - right}" y1="${fmt(y(0))}" y2="${fmt(y(0))}"/>`);
  parts.push(`<line class="axis" x1="${left}" x2="${left}" y1="${top}" y2="${fmt(y(0))}"/>`);
  parts.push(`<text class="label" x="${left + plotW / 2}" y="${height - 8}" text-anchor="middle">Day (UTC, month-day)</text>`);
  parts.push(`<text class="label" transform="translate(16 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">CO2e per day, kg</text>`);
  const peak = points.reduce((a, b) => (b.kg > a.kg ? b : a), points[0] ?? { day: "-", kg: 0, lowKg: 0, highKg: 0 });
  const desc =
    `Bar chart of ${signal} CO2e per day from ${points[0]?.day ?? "-"} to ${points.at(-1)?.day ?? "-"}, ${points.length} days; ` +
    `vertical lines show each day's low–high band. Peak ${human(peak.kg)} kg on ${peak.day}. The table "Daily figures" below lists every day.`;
  return frame(id, "Daily CO2e, kg", desc, width, height, parts.join(""));
}

/** Horizontal bars, one row each, labelled on the left and with their figures on the right. */
export function barsSvg(id: string, title: string, desc: string, rows: readonly BarRow[]): string {
  const [width, rowH, labelW, textW, top] = [760, 28, 220, 190, 6];
  const barW = width - labelW - textW - 16;
  const max = Math.max(0, ...rows.map((r) => r.value));
  const height = top * 2 + rows.length * rowH;
  const parts = rows.map((r, i) => {
    const y = top + i * rowH;
    const w = max > 0 ? Math.max(r.value > 0 ? 1 : 0, (barW * Math.max(0, r.value)) / max) : 0;
    const label = r.label.length > 30 ? `${r.label.slice(0, 29)}…` : r.label;
    return (
      `<g><title>${esc(`${r.label}: ${r.text}`)}</title>` +
      `<text class="tick" x="${labelW - 8}" y="${y + 18}" text-anchor="end">${esc(label)}</text>` +
      `<rect class="s${i % 6}" x="${labelW}" y="${y + 5}" width="${fmt(w)}" height="${rowH - 10}"/>` +
      `<text class="tick" x="${fmt(labelW + w + 6)}" y="${y + 18}">${esc(r.text)}</text></g>`
    );
  });
  parts.push(`<line class="axis" x1="${labelW}" x2="${labelW}" y1="${top}" y2="${height - top}"/>`);
  return frame(id, title, desc, width, height, parts.join(""));
}

/** The budget as a track: the central estimate filled, the high bound as a whisker, the limit as a line. */
export function budgetSvg(id: string, usedPercent: number, highPercent: number, state: "over" | "near" | "ok", desc: string): string {
  const [width, height, left, right] = [760, 64, 10, 10];
  const scale = Math.max(100, highPercent, usedPercent) * 1.05;
  const x = (p: number): number => left + ((width - left - right) * p) / scale;
  const body =
    `<rect class="track" x="${left}" y="14" width="${width - left - right}" height="22"/>` +
    `<rect class="${state}" x="${left}" y="14" width="${fmt(x(usedPercent) - left)}" height="22"/>` +
    `<line class="band" x1="${fmt(x(usedPercent))}" x2="${fmt(x(highPercent))}" y1="25" y2="25"/>` +
    `<line class="band" x1="${fmt(x(highPercent))}" x2="${fmt(x(highPercent))}" y1="18" y2="32"/>` +
    `<line class="limit" x1="${fmt(x(100))}" x2="${fmt(x(100))}" y1="6" y2="44"/>` +
    `<text class="tick" x="${fmt(x(100))}" y="58" text-anchor="middle">budget (100 %)</text>` +
    `<text class="tick" x="${left}" y="58">0</text>`;
  return frame(id, "Carbon budget used", desc, width, height, body);
}
