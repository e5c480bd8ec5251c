import { readFileSync } from "node:fs";

/** The tool's version, from the package.json beside dist/ (the one the bin reads for --version). */
export function toolVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version?: unknown };
  return typeof pkg.version === "string" ? pkg.version : "unknown";
}
