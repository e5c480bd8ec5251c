import { describe, expect, it } from "vitest";
import { detailColumns } from "../../src/report/columns.js";
import { CsvBytes } from "../../src/report/csv-bytes.js";
import { csvHeader, csvLine } from "../../src/report/csv.js";
import type { CarbonRecord } from "../../src/schema.js";

// The detail CSV is written as bytes by CsvBytes; its text must be exactly what csvLine (the string writer the
// summary and suggestion files still use) makes, for every number (rounding, signs, exponents) and hostile text.
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const texts = ["aws", "=cmd()", "-1", "+x", "@a", "\tt", "a,b", 'q"q', "line\nbreak", "cr\rlf", "ünïcode €", "", "8 x H100 (NVIDIA datasheet, 2023)"];

function number(next: () => number): number | null {
  const roll = next();
  if (roll < 0.05) return null;
  if (roll < 0.1) return 0;
  if (roll < 0.15) return -0;
  if (roll < 0.25) return Math.round(next() * 1e7) / 1e7 + 5e-7 * (next() < 0.5 ? 1 : -1); // near a half of the last digit
  if (roll < 0.3) return (next() - 0.5) * 1e22; // beyond toFixed's plain range
  if (roll < 0.35) return (next() - 0.5) * 1e-9; // rounds to (negative) zero
  return (next() - 0.3) * 10 ** (next() * 14 - 4);
}

describe("CsvBytes", () => {
  it("writes exactly csvHeader + csvLine for 20,000 random detail rows, across many parts", async () => {
    const next = random(22);
    const numeric = new Set(detailColumns.filter((c) => c.value).map((c) => c.header));
    const rows: CarbonRecord[] = [];
    for (let i = 0; i < 20_000; i++) {
      // Columns read the record through their getters: give each field a value of its column's kind.
      const r: Record<string, unknown> = {};
      for (const col of detailColumns) {
        const probe = new Proxy({}, { get: (_t, key) => ((r[key as string] ??= numeric.has(col.header) ? number(next) : next() < 0.7 ? texts[Math.floor(next() * 3)] : texts[Math.floor(next() * texts.length)]), r[key as string]) });
        col.cell(probe as CarbonRecord);
      }
      r.estimated = next() < 0.5;
      r.regionKnown = next() < 0.5;
      rows.push(r as unknown as CarbonRecord);
    }
    const parts: Buffer[] = [];
    const out = new CsvBytes(detailColumns, (b) => void parts.push(Buffer.from(b)));
    out.write(csvHeader(detailColumns));
    for (const r of rows) await out.add(r);
    await out.flush();
    expect(parts.length).toBeGreaterThan(10);
    let expected = csvHeader(detailColumns);
    for (const r of rows) expected += csvLine(detailColumns, r);
    expect(Buffer.concat(parts).toString("utf8")).toBe(expected);
  });
});
