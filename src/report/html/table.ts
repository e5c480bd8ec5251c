import { esc } from "./escape.js";

/** A cell: plain text (escaped here) or markup this module made itself (a formatted figure). */
export type Cell = string | { html: string };

const cellHtml = (c: Cell): string => (typeof c === "string" ? esc(c) : c.html);

/** An HTML table; columns named in `numeric` are right-aligned with tabular digits. */
export function htmlTable(caption: string, head: string[], rows: Cell[][], numeric: ReadonlySet<number> = new Set()): string {
  const cls = (i: number): string => (numeric.has(i) ? ' class="n"' : "");
  const th = head.map((h, i) => `<th scope="col"${cls(i)}>${esc(h)}</th>`).join("");
  const body = rows.map((r) => `<tr>${r.map((c, i) => `<td${cls(i)}>${cellHtml(c)}</td>`).join("")}</tr>`).join("\n");
  return `<table><caption>${esc(caption)}</caption><thead><tr>${th}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}

/** The column indexes from `from` to the end: the figure columns after the key columns. */
export const from = (start: number, count: number): Set<number> => new Set(Array.from({ length: count - start }, (_, i) => start + i));
