import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { plainDecimal } from "../../src/report/numbers.js";
import { detailColumns, summaryColumns } from "../../src/report/columns.js";
import { openDuck, sqlString, type Duck } from "../helpers/duckdb.js";
import { runCli } from "../helpers/run-cli.js";
import { days, usageHeader, usageLine } from "../helpers/usage-csv.js";

const parquetTypes: Record<string, string> = {
  string: "VARCHAR",
  number: "DOUBLE",
  integer: "BIGINT",
  boolean: "BOOLEAN",
  datetime: "TIMESTAMP WITH TIME ZONE",
};

describe("plainDecimal", () => {
  it.each([
    [24, 6, "24.000000"],
    [0.25, 6, "0.250000"],
    [1 / 6, 4, "0.1667"],
    [0.1 + 0.2, 6, "0.300000"],
    [1e-7, 6, "0.000000"],
    [-1e-9, 6, "0.000000"],
    [-2.5, 1, "-2.5"],
    [12, 0, "12"],
  ])("%d with %d decimals is %s", (value, digits, text) => {
    expect(plainDecimal(value, digits)).toBe(text);
  });
});

/** The issue's case: whole-number hours for 60,000 rows, then fractional hours and fractional GPUs. */
describe("a detail CSV that BI tools read right (built CLI, then DuckDB's read_csv_auto)", () => {
  let dir: string;
  let duck: Duck;
  let expectedHours = 0;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ct-typed-"));
    const lines = [usageHeader];
    const span = days("2026-07-01", "2026-09-28"); // 90 days
    // AWS accounts with a leading zero: the kind pandas and spreadsheets damage.
    for (let a = 0; a < 667 && lines.length <= 60_000; a++) {
      for (const day of span) {
        if (lines.length > 60_000) break;
        lines.push(usageLine({ provider: "aws", account: `0${String(10_000_000_000 + a)}`, region: "us-east-1", instanceType: "p5.48xlarge", hours: "24", day }));
        expectedHours += 24;
      }
    }
    // Then fractional hours on an instance with an eighth of a GPU (g6f.large: gpu_count 0.125).
    for (const day of days("2026-09-01", "2026-09-05")) {
      lines.push(usageLine({ provider: "aws", account: "012345678901", region: "us-east-1", instanceType: "g6f.large", hours: "0.25", day }));
      expectedHours += 0.25;
    }
    writeFileSync(join(dir, "usage.csv"), `${lines.join("\n")}\n`);
    duck = await openDuck();
  });
  afterAll(() => {
    duck?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("has exact sums, account as text, and a datapackage.json that names every column's type", async () => {
    const res = await runCli(["--input", join(dir, "usage.csv"), "--out", join(dir, "out"), "--stamp", "none", "-q"], { timeoutMs: 120_000 });
    expect(res.stderr).toBe("");
    expect(res.code).toBe(0);
    const csv = join(dir, "out", "carbon_detail.csv");
    const text = readFileSync(csv, "utf8");
    expect(text.split("\r\n")[1]).toMatch(/^aws,010000000000,us-east-1,p5\.48xlarge,instance-hour,24\.000000,/);

    const types = Object.fromEntries((await duck.rows(`DESCRIBE SELECT * FROM read_csv_auto(${sqlString(csv)})`)).map((r) => [r.column_name, r.column_type]));
    expect(types.quantity_hours).toBe("DOUBLE");
    expect(types.gpu_count).toBe("DOUBLE");
    expect(types.account).toBe("VARCHAR");
    const [sums] = await duck.rows(
      `SELECT sum(quantity_hours) AS hours, sum(gpu_count) FILTER (WHERE instance_type = 'g6f.large') AS eighths,
              count(*) FILTER (WHERE account LIKE '0%') AS leading_zero, count(*) AS n
       FROM read_csv_auto(${sqlString(csv)})`,
    );
    expect(sums!.hours).toBe(expectedHours);
    expect(sums!.eighths).toBe(5 * 0.125);
    expect(sums!.leading_zero).toBe(sums!.n);

    const pkg = JSON.parse(readFileSync(join(dir, "out", "datapackage.json"), "utf8")) as {
      resources: { name: string; path: string; schema: { fields: { name: string; type: string; unit?: string; description: string }[] } }[];
    };
    const detail = pkg.resources.find((r) => r.name === "carbon_detail")!;
    expect(detail.path).toBe("carbon_detail.csv");
    expect(detail.schema.fields.map((f) => f.name)).toEqual(detailColumns.map((c) => c.header));
    expect(detail.schema.fields.find((f) => f.name === "account")!.type).toBe("string");
    expect(detail.schema.fields.find((f) => f.name === "quantity_hours")).toMatchObject({ type: "number", unit: "h" });
    for (const f of detail.schema.fields) expect(f.description.length).toBeGreaterThan(3);
    expect(pkg.resources.map((r) => r.name)).toEqual(["carbon_detail", "carbon_summary", "carbon_suggestions", "carbon_detail_latest"]);
  }, 180_000);

  it("an all-digit account without a leading zero stays text when read with the datapackage's types", async () => {
    writeFileSync(join(dir, "plain.csv"), `${[usageHeader, usageLine({ provider: "aws", account: "111122223333", region: "us-east-1", instanceType: "p5.48xlarge", hours: "1", day: "2026-09-01" })].join("\n")}\n`);
    const out = join(dir, "plain-out");
    const res = await runCli(["--input", join(dir, "plain.csv"), "--out", out, "--stamp", "none", "-q"]);
    expect(res.code).toBe(0);
    const csv = join(out, "carbon_detail.csv");
    // What a guessing reader does (documented in docs/csv-schema.md): digits look like a number.
    const [guessed] = await duck.rows(`SELECT column_type FROM (DESCRIBE SELECT account FROM read_csv_auto(${sqlString(csv)}))`);
    expect(guessed!.column_type).toBe("BIGINT");
    // The documented way: the types from datapackage.json.
    const pkg = JSON.parse(readFileSync(join(out, "datapackage.json"), "utf8")) as { resources: { name: string; schema: { fields: { name: string; type: string }[] } }[] };
    const fields = pkg.resources.find((r) => r.name === "carbon_detail")!.schema.fields;
    const spec = fields.map((f) => `${sqlString(f.name)}: ${sqlString(parquetTypes[f.type]!)}`).join(", ");
    const [typed] = await duck.rows(`SELECT typeof(account) AS t, account FROM read_csv_auto(${sqlString(csv)}, types = {${spec}})`);
    expect(typed).toEqual({ t: "VARCHAR", account: "111122223333" });
  });
});

describe("--format parquet (built CLI)", () => {
  it("writes Parquet twins of the detail and summary CSVs with the documented types", async () => {
    const dir = mkdtempSync(join(tmpdir(), "ct-parquet-"));
    const duck = await openDuck();
    try {
      const res = await runCli(["7", "--demo", "--format", "parquet", "--out", dir, "--stamp", "none", "-q"]);
      expect(res.code).toBe(0);
      expect(res.stdout).toContain("carbon-track — GPU emissions");
      for (const [file, columns] of [
        ["carbon_detail", detailColumns],
        ["carbon_summary", summaryColumns],
      ] as const) {
        const described = await duck.rows(`DESCRIBE SELECT * FROM read_parquet(${sqlString(join(dir, `${file}.parquet`))})`);
        expect(described.map((r) => [r.column_name, r.column_type])).toEqual(columns.map((c) => [c.header, parquetTypes[c.type]]));
        const [counts] = await duck.rows(
          `SELECT (SELECT count(*) FROM read_parquet(${sqlString(join(dir, `${file}.parquet`))})) AS p, (SELECT count(*) FROM read_csv_auto(${sqlString(join(dir, `${file}.csv`))})) AS c`,
        );
        expect(counts!.p).toBe(counts!.c);
      }
      const [acct] = await duck.rows(`SELECT count(DISTINCT account) AS n FROM read_parquet(${sqlString(join(dir, "carbon_detail.parquet"))}) WHERE account = '111122223333'`);
      expect(acct!.n).toBe(1n);
    } finally {
      duck.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
