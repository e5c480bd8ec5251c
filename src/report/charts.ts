import type { ChalkInstance } from "chalk";
import type { Group } from "../calc/summary.js";
import { human } from "./numbers.js";

/** Eighth blocks: vertical ones grow up, horizontal ones grow right. Unicode, not colour: readable in any log. */
const upBlocks = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];
const rightBlocks = ["▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"];

export const chartWidth = 80;
const dayMs = 86_400_000;

/** Every day of the window with its CO2e (0 for a day without rows), so gaps show as gaps. */
export function dailySeries(byDay: readonly Group<{ day: string }>[], since: string, until: string): { day: string; kg: number }[] {
  const kgByDay = new Map(byDay.map((g) => [g.key.day, g.totals.co2eKg]));
  const out: { day: string; kg: number }[] = [];
  for (let t = Date.parse(`${since}T00:00:00Z`); t <= Date.parse(`${until}T00:00:00Z`); t += dayMs) {
    const day = new Date(t).toISOString().slice(0, 10);
    out.push({ day, kg: kgByDay.get(day) ?? 0 });
  }
  return out;
}

/** How many days a bar stands for: a day, a week, or a calendar month, the finest whose bars fit. */
type BarSpan = "day" | "week" | "month";

/** The days of the window in groups of one bar each: single days, runs of 7 from the first day, or calendar months. */
function groupsOf(series: readonly { day: string; kg: number }[], span: BarSpan): { day: string; kg: number }[][] {
  const groups: { day: string; kg: number }[][] = [];
  for (const [i, d] of series.entries()) {
    const starts = span === "day" || i === 0 || (span === "week" ? i % 7 === 0 : d.day.endsWith("-01"));
    if (starts) groups.push([d]);
    else groups.at(-1)!.push(d);
  }
  return groups;
}

/** Bars of at most `width`: one per day when they fit, else one per week, else one per month, each its daily mean. */
function bucket(series: readonly { day: string; kg: number }[], width: number): { values: number[]; span: BarSpan } {
  const span = (["day", "week", "month"] as const).find((s) => groupsOf(series, s).length <= width) ?? "month";
  const values = groupsOf(series, span).map((part) => part.reduce((s, d) => s + d.kg, 0) / part.length);
  return { values, span };
}

/** A one-line trend (for Markdown and headers): one eighth block per value, scaled to the largest. */
export function sparkline(values: readonly number[]): string {
  const max = Math.max(0, ...values);
  return values.map((v) => (max > 0 && v > 0 ? upBlocks[Math.max(0, Math.ceil((v / max) * 8) - 1)]! : " ")).join("");
}

/**
 * A vertical bar chart of daily CO2e over the window, at most `width` (80) columns wide: a y axis labelled with
 * the peak and half of it, and the first and last day under the bars.
 */
export function trendChart(series: readonly { day: string; kg: number }[], chalk: ChalkInstance, heightRows = 8, width = chartWidth): string {
  if (series.length === 0) return "";
  // The axis is sized for the largest day; a mean of several days can only be smaller, so its label fits too.
  const labelWidth = human(Math.max(0, ...series.map((d) => d.kg))).length;
  const room = width - labelWidth - 3;
  // Two columns per day (a bar and a gap) when they fit: separate bars are easier to count.
  const spaced = series.length * 2 <= room;
  const { values, span } = bucket(series, spaced ? Math.floor(room / 2) : room);
  const max = Math.max(0, ...values);
  const labels = [human(max), human(max / 2)];
  const eighths = values.map((v) => (max > 0 && v > 0 ? Math.max(1, Math.round((v / max) * heightRows * 8)) : 0));
  const lines: string[] = [];
  for (let row = 0; row < heightRows; row++) {
    const base = (heightRows - 1 - row) * 8;
    const label = row === 0 ? labels[0]! : row === Math.floor(heightRows / 2) ? labels[1]! : "";
    const cells = eighths.map((e) => {
      const n = Math.min(8, e - base);
      const cell = n > 0 ? upBlocks[n - 1]! : " ";
      return spaced ? `${cell} ` : cell;
    });
    lines.push(`${label.padStart(labelWidth)} ${label ? "┤" : "│"}${chalk.green(cells.join("").trimEnd())}`);
  }
  const plotWidth = values.length * (spaced ? 2 : 1);
  lines.push(`${"0".padStart(labelWidth)} └${"─".repeat(plotWidth)}`);
  // The first and last day under the first and last bar, with their year: a long window may cross one.
  const first = series[0]!.day;
  const last = series.at(-1)!.day;
  const lastBarEnd = spaced ? plotWidth - 1 : plotWidth;
  const axis = series.length === 1 ? first : first.padEnd(Math.max(first.length + 1, lastBarEnd - last.length)) + last;
  lines.push(`${" ".repeat(labelWidth + 2)}${axis}`);
  const unit = span === "day" ? "one bar per day" : span === "week" ? "one bar per week from the first day, its daily mean" : "one bar per calendar month, its daily mean";
  return `${chalk.bold("Daily CO2e, kg")} (${unit}, UTC)\n${lines.join("\n")}`;
}

export interface ShareRow {
  label: string;
  kg: number;
}

/** The largest rows as they are, the rest summed into one line, so a long list still fits a screen. */
export function topShares(rows: readonly ShareRow[], keep: number): ShareRow[] {
  if (rows.length <= keep + 1) return [...rows];
  const rest = rows.slice(keep);
  return [...rows.slice(0, keep), { label: `other (${rest.length})`, kg: rest.reduce((s, r) => s + r.kg, 0) }];
}

/** Horizontal bars of each row's share of the total, with the percentage and kg; 78 columns at most. */
export function shareBars(title: string, rows: readonly ShareRow[], chalk: ChalkInstance): string {
  const total = rows.reduce((s, r) => s + Math.max(0, r.kg), 0);
  const labelWidth = Math.min(22, Math.max(...rows.map((r) => r.label.length), 1));
  const barWidth = 30;
  const lines = rows.map((r) => {
    const share = total > 0 ? Math.max(0, r.kg) / total : 0;
    const eighths = Math.round(share * barWidth * 8);
    const bar = "█".repeat(Math.floor(eighths / 8)) + (eighths % 8 ? rightBlocks[(eighths % 8) - 1]! : "");
    const label = r.label.length > labelWidth ? `${r.label.slice(0, labelWidth - 1)}…` : r.label.padEnd(labelWidth);
    const pct = `${human(share * 100, 1)} %`.padStart(7);
    return `  ${label} ${chalk.cyan(bar)}${" ".repeat(barWidth - [...bar].length)} ${pct} ${human(r.kg).padStart(11)} kg`;
  });
  return `${chalk.bold(title)}\n${lines.join("\n")}`;
}
