import Table from "cli-table3";
import { visibleWidth, wrapText } from "../text/wrap.js";

export type Align = "left" | "right";

/** One column of a terminal table and what it may give up when the terminal is narrow. */
export interface FitColumn {
  head: string;
  align: Align;
  /** Left out when the table does not fit, lowest first; columns without one are always kept. */
  dropRank?: number;
  /** Text that may wrap onto more lines, down to this many columns of text; figures never wrap. */
  minWidth?: number;
}

export interface FitStyle {
  /** Paints a head cell (bold), line by line. */
  head: (text: string) => string;
  color: boolean;
}

/** A cell's columns on screen: its widest line, plus cli-table3's padding of one on each side. */
const cellWidth = (text: string): number => Math.max(0, ...text.split("\n").map(visibleWidth)) + 2;

/**
 * A table no wider than `width` (null: as wide as its content): columns are left out by rank until it fits, then
 * text columns wrap, widest first, down to their minimum. cli-table3 is given every column's width, so it never
 * sizes a column by itself; what was left out is said under the table. Cells are plain text or already coloured.
 */
export function fitTable(columns: readonly FitColumn[], rows: readonly string[][], width: number | null, style: FitStyle): string {
  const natural = columns.map((c, i) => Math.max(cellWidth(c.head), ...rows.map((r) => cellWidth(r[i] ?? ""))));
  let kept = columns.map((_, i) => i);
  const total = (widths: readonly number[]): number => kept.reduce((s, i) => s + widths[i]!, 0) + kept.length + 1;
  const widths = [...natural];
  if (width !== null) {
    // The narrowest each kept column may become: text down to its minimum, figures as they are.
    const narrowest = (i: number): number => (columns[i]!.minWidth === undefined ? widths[i]! : Math.min(widths[i]!, columns[i]!.minWidth! + 2));
    const droppable = kept.filter((i) => columns[i]!.dropRank !== undefined).sort((a, b) => columns[a]!.dropRank! - columns[b]!.dropRank!);
    // A column is left out only when wrapping the text columns cannot make the table fit.
    while (total(kept.map(narrowest).reduce((w, n, k) => ((w[kept[k]!] = n), w), [...widths])) > width && droppable.length > 0) {
      const gone = droppable.shift()!;
      kept = kept.filter((i) => i !== gone);
    }
    while (total(widths) > width) {
      const shrinkable = kept.filter((i) => columns[i]!.minWidth !== undefined && widths[i]! - 2 > columns[i]!.minWidth!);
      if (shrinkable.length === 0) break;
      const widest = shrinkable.reduce((a, b) => (widths[b]! > widths[a]! ? b : a));
      widths[widest]!--;
    }
  }
  const wrap = (text: string, i: number): string => (widths[i]! < natural[i]! ? wrapText(text, widths[i]! - 2, " ", "names").join("\n") : text);
  const table = new Table({
    head: kept.map((i) => wrap(columns[i]!.head, i).split("\n").map(style.head).join("\n")),
    colAligns: kept.map((i) => columns[i]!.align),
    colWidths: kept.map((i) => widths[i]!),
    // No rule between rows: long tables stay readable and half as tall.
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
    // cli-table3 colours head and borders by itself unless told not to: colour is decided once, by us.
    style: style.color ? { head: ["cyan"], border: ["grey"] } : { head: [], border: [] },
  });
  for (const r of rows) table.push(kept.map((i) => wrap(r[i] ?? "", i)));
  const left = columns.filter((_, i) => !kept.includes(i)).map((c) => c.head);
  const note =
    left.length > 0 ? `\n${wrapText(`(${left.join(", ")} left out to fit ${width} columns; the CSV files have every figure)`, width!, " ", "spaces").join("\n")}` : "";
  return `${table.toString()}${note}`;
}
