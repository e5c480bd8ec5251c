import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, describe, expect, it } from "vitest";
import { IrregularCsv, PlainCsvReader } from "../../src/sources/plain-csv.js";

// The byte-level splitter of --input must read every record it does not give up on exactly as csv-parse (the
// reader it stands in for) does, and give up no later than csv-parse fails; after it gives up, csv-parse reads on.
const dir = mkdtempSync(join(tmpdir(), "ct-plain-csv-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function plainRead(file: string, partBytes: number): Promise<{ records: string[][]; gaveUp: boolean }> {
  const reader = await PlainCsvReader.open(file, partBytes);
  const records: string[][] = [];
  try {
    while (await reader.fill()) for (let r = reader.next(); r !== null; r = reader.next()) records.push(r);
    return { records, gaveUp: false };
  } catch (err) {
    if (!(err instanceof IrregularCsv)) throw err;
    return { records, gaveUp: true };
  } finally {
    await reader.close();
  }
}

function csvParseRead(bytes: Buffer): { records: string[][]; failed: boolean } {
  try {
    return { records: parse(bytes, { bom: true, skip_empty_lines: true }) as string[][], failed: false };
  } catch {
    // csv-parse/sync gives no partial result: the records before its error are whatever it would have streamed.
    return { records: [], failed: true };
  }
}

async function compare(bytes: Buffer, name: string, partBytes: number): Promise<{ gaveUp: boolean }> {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  const plain = await plainRead(file, partBytes);
  const ref = csvParseRead(bytes);
  const shown = JSON.stringify(bytes.toString("latin1"));
  if (!plain.gaveUp) {
    // Read to the end: csv-parse must read the same file without an error, and the same records.
    expect(ref.failed, shown).toBe(false);
    expect(plain.records, shown).toEqual(ref.records);
  } else if (!ref.failed) {
    // Gave up: what it handed out is the start of what csv-parse reads.
    expect(plain.records, shown).toEqual(ref.records.slice(0, plain.records.length));
  }
  return plain;
}

const pieces = ["a", "b", "é", "1.5", " ", ",", ",", ",", '"', '""', "\n", "\r\n", "\r", "\n", "\xff", "\u20ac"];
const encode = (s: string): Buffer => Buffer.concat([...s].map((ch) => (ch === "\xff" ? Buffer.from([0xff]) : Buffer.from(ch, "utf8"))));

describe("PlainCsvReader against csv-parse", () => {
  it("reads 3,000 random hostile files as csv-parse does, or gives up (parts of 4 to 64 bytes)", async () => {
    const next = random(22);
    for (let f = 0; f < 3000; f++) {
      let text = next() < 0.1 ? "\ufeff" : "";
      const n = Math.floor(next() * 40);
      for (let i = 0; i < n; i++) text += pieces[Math.floor(next() * pieces.length)]!;
      await compare(encode(text), `hostile-${f}.csv`, 4 + Math.floor(next() * 60));
    }
  });

  it("reads plain files to the end, with quoted cells too, in parts smaller than a record", async () => {
    const next = random(7);
    for (let f = 0; f < 300; f++) {
      const crlf = next() < 0.5;
      const width = 1 + Math.floor(next() * 5);
      const lines: string[] = [];
      for (let r = 0; r < 1 + Math.floor(next() * 20); r++) {
        const cells: string[] = [];
        for (let c = 0; c < width; c++) {
          const roll = next();
          cells.push(roll < 0.15 ? `"x,${crlf ? "\r\n" : "\n"}""y"""` : roll < 0.25 ? "" : roll < 0.35 ? "ünï" : `v${Math.floor(next() * 1000)}`);
        }
        lines.push(cells.join(","));
        if (next() < 0.1) lines.push("");
      }
      const text = (next() < 0.2 ? "\ufeff" : "") + lines.join(crlf ? "\r\n" : "\n") + (next() < 0.7 ? (crlf ? "\r\n" : "\n") : "");
      const got = await compare(Buffer.from(text, "utf8"), `plain-${f}.csv`, 8 + Math.floor(next() * 40));
      expect(got.gaveUp, JSON.stringify(text)).toBe(false);
    }
  });

  it("gives up on a line ending that changes, a quote inside a cell and a record of another width", async () => {
    for (const text of ["a,b\r\nc,d\ne,f\n", 'a,b\nc,d"x\n', "a,b\nc\n", 'a,b\n"c"x,d\n', "a,b\r", "a\rb\n"]) {
      expect((await compare(Buffer.from(text), "edge.csv", 1 << 20)).gaveUp, JSON.stringify(text)).toBe(true);
    }
  });
});
