import { readFileSync } from "node:fs";

/** The tool's version, from the package.json beside dist/ (the one the bin reads for --version). */
export function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
  return typeof pkg.version === "string" ? pkg.version : "unknown";
}

/** The git commit dist/ was built from (written by scripts/build-info.mjs at build time), or null when not known. */
export function buildCommit(): { commit: string | null; dirty: boolean | null } {
  try {
    const info = JSON.parse(readFileSync(new URL("./build-info.json", import.meta.url), "utf8")) as { commit?: unknown; dirty?: unknown };
    return { commit: typeof info.commit === "string" ? info.commit : null, dirty: typeof info.dirty === "boolean" ? info.dirty : null };
  } catch {
    return { commit: null, dirty: null };
  }
}
