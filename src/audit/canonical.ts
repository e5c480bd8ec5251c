import { createHash } from "node:crypto";

/**
 * The manifest's one serialisation: keys sorted by code unit at every depth, no insignificant whitespace, a final
 * LF. A signature covers these exact bytes, and a verifier hashes the file as it is, never a re-serialisation.
 * Values go through JSON first, so dates become their ISO strings and undefined members disappear.
 */
export function canonicalJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(JSON.parse(JSON.stringify(value))))}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
  return out;
}

export const sha256 = (bytes: string | Uint8Array): string => createHash("sha256").update(bytes).digest("hex");

/** Paths compared as bytes (UTF-8), the order `sort` gives under LC_ALL=C. */
export const byteOrder = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));
