import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { byteOrder } from "./canonical.js";

/** Every file under `dir`, as relative paths with `/`, in byte order. */
export function filesUnder(dir: string, prefix = ""): string[] {
  const found: string[] = [];
  for (const name of readdirSync(dir)) {
    const rel = prefix ? `${prefix}/${name}` : name;
    if (statSync(join(dir, name)).isDirectory()) found.push(...filesUnder(join(dir, name), rel));
    else found.push(rel);
  }
  return found.sort(byteOrder);
}

/** SHA256SUMS as `sha256sum -c` reads it: the hash, two spaces (text mode), the path; sorted by path. */
export const sumsText = (entries: readonly { path: string; sha256: string }[]): string =>
  [...entries]
    .sort((a, b) => byteOrder(a.path, b.path))
    .map((e) => `${e.sha256}  ${e.path}\n`)
    .join("");

