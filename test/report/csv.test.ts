import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import type { Column } from "../../src/report/columns.js";
import { toCsv } from "../../src/report/csv.js";

const columns: Column<{ a: string; b: string }>[] = [
  { header: "a", type: "string", description: "a", cell: (r) => r.a },
  { header: "b", type: "string", description: "b", cell: (r) => r.b },
];

describe("CSV lines (RFC 4180)", () => {
  it.each(["multi\nline", "carriage\rreturn", "crlf\r\ninside", 'a "quote"', "a,comma"])("keeps %j in one cell", (text) => {
    const csv = toCsv(columns, [{ a: text, b: "next" }]);
    expect(parse(csv, { columns: true })).toEqual([{ a: text, b: "next" }]);
  });

  it("leaves plain cells unquoted and ends every line with CRLF", () => {
    expect(toCsv(columns, [{ a: "x", b: "1.5" }])).toBe("a,b\r\nx,1.5\r\n");
  });
});
