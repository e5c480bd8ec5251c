/**
 * Checks on JSON text that JSON.parse does not make: how deep it nests, and whether an object repeats a key.
 * Both are single passes with an explicit stack, never recursion, so a hostile file costs time in proportion
 * to its length and no call stack.
 */

/** The index of the `"` that closes the string opened at `start`, or the text's length when it never closes. */
function stringEnd(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text[i] !== '"') i += text[i] === "\\" ? 2 : 1;
  return i;
}

/**
 * The line where nesting first goes deeper than `max`, or 0 when it never does. Runs before JSON.parse, so it
 * must take any text: an unclosed string or bracket only ends the scan.
 */
export function tooDeepAt(text: string, max: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') i = stringEnd(text, i);
    else if (c === "{" || c === "[") {
      if (++depth > max) return text.slice(0, i).split("\n").length;
    } else if (c === "}" || c === "]") depth--;
  }
  return 0;
}

interface Container {
  parent: Container | null;
  /** Keys seen so far in an object; null for an array. */
  keys: Set<string> | null;
  /** The key (object) or index (array) of the value being read. */
  at: string;
  index: number;
  expectKey: boolean;
}

/** The dotted path of a container, built only for the error: keeping a copy on each would be quadratic in depth. */
function pathOf(c: Container): string {
  const parts: string[] = [];
  for (let p = c.parent; p; p = p.parent) parts.push(p.at);
  return parts.reverse().join(".");
}

/**
 * The first key that would be lost, and where: one given twice in an object (JSON.parse keeps the last one
 * silently, which would drop a whole section of overrides, a second `catalog`), or `__proto__`, which becomes the
 * object's prototype once validated, not an entry. `text` has already parsed, so the scan can be simple.
 */
export function lostKey(text: string): { key: string; where: string; repeated: boolean } | undefined {
  let top = null as Container | null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "{" || c === "[") {
      top = { parent: top, keys: c === "{" ? new Set() : null, at: "0", index: 0, expectKey: c === "{" };
    } else if (c === "}" || c === "]") {
      top = top?.parent ?? null;
    } else if (c === "," && top) {
      if (top.keys) top.expectKey = true;
      else top.at = String(++top.index);
    } else if (c === '"') {
      const end = stringEnd(text, i);
      if (top?.keys && top.expectKey) {
        const raw = text.slice(i + 1, end);
        const key = raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
        const repeated = top.keys.has(key);
        if (repeated || key === "__proto__") return { key, where: top.parent ? pathOf(top) : "the top level", repeated };
        top.keys.add(key);
        top.at = key;
        top.expectKey = false;
      }
      i = end;
    }
  }
  return undefined;
}
