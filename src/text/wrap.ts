/**
 * Text fitted to a terminal's width. Widths are counted in code points with SGR colour codes left out: the text
 * shown here is sanitized first (no controls), and the report's own symbols (– → … │ █) are one column each.
 */

const sgr = /\x1b\[[0-9;]*m/g;

/** The columns a line takes on a terminal. */
export const visibleWidth = (text: string): number => [...text.replace(sgr, "")].length;

/**
 * Where a line may break: after a space (prose), or also after _ : . - / @ → , ; (names and sources, which have
 * few spaces).
 */
export type Breaks = "spaces" | "names";
const breakAfter: Record<Breaks, RegExp> = { spaces: /(?<= )/u, names: /(?<=[ _:.\-/@→,;])/u };

/** Cuts a piece longer than the width at `width` visible columns, keeping colour codes with the text they colour. */
function hardCut(piece: string, width: number): string[] {
  const out: string[] = [];
  let current = "";
  let used = 0;
  for (const token of piece.split(/(\x1b\[[0-9;]*m)/)) {
    if (token.startsWith("\x1b[")) {
      current += token;
      continue;
    }
    for (const ch of token) {
      if (used === width) {
        out.push(current);
        current = "";
        used = 0;
      }
      current += ch;
      used++;
    }
  }
  if (current !== "") out.push(current);
  return out;
}

/**
 * The lines of `text` (which may hold line breaks) each at most `width` columns, broken after a space or a
 * separator (see Breaks) where one is near and hard-cut where none is; continuation lines start with `indent`.
 */
export function wrapText(text: string, width: number, indent = "", breaks: Breaks = "spaces"): string[] {
  const out: string[] = [];
  for (const source of text.split("\n")) {
    if (visibleWidth(source) <= width) {
      out.push(source);
      continue;
    }
    let line = "";
    const room = (): number => width - visibleWidth(line);
    const flush = (): void => {
      out.push(line.trimEnd());
      line = indent;
    };
    for (const piece of source.split(breakAfter[breaks])) {
      if (visibleWidth(piece.trimEnd()) <= room()) {
        line += piece;
        continue;
      }
      if (line.trim() !== "") flush();
      const rest = line === indent && out.length > 0 ? piece.trimStart() : piece;
      const cuts = visibleWidth(rest) <= room() ? [rest] : hardCut(rest, Math.max(1, Math.min(room(), width - visibleWidth(indent))));
      for (const [i, cut] of cuts.entries()) {
        if (i > 0) flush();
        line += cut;
      }
    }
    if (line.trim() !== "") out.push(line.trimEnd());
  }
  return out;
}
