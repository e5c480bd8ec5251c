import { describe, expect, it } from "vitest";
import { detectFormat } from "../../../src/sources/exports/detect.js";
import { focusTableQuery } from "../../../src/sources/exports/focus-table.js";
import { duckdbDialect, googleSqlDialect, gpuHoursSql, trinoDialect, type Dialect } from "../../../src/sources/exports/sql.js";
import type { TableSchema } from "../../../src/sources/gcp/table-schema.js";
import { translateGoogleSql } from "../../fakes/bigquery-focus.js";

const focus = detectFormat(["ChargeCategory", "ChargePeriodStart", "ChargePeriodEnd", "ConsumedQuantity", "ConsumedUnit", "SkuPriceDetails"], null, "t");
const cur = detectFormat(
  ["line_item_line_item_type", "line_item_product_code", "line_item_usage_type", "line_item_usage_amount", "line_item_usage_start_date", "line_item_usage_end_date", "pricing_unit"],
  null,
  "t",
);
const sql = (dialect: Dialect, detected = focus): string =>
  gpuHoursSql({ source: "SELECT * FROM t", detected, dialect, window: { from: "?", to: "?" }, granularity: "daily" });

describe("one GPU-hours query, three dialects", () => {
  it("DuckDB and Trino differ only where named: regexp, JSON, time type, array join, the text after a colon, the usage layer's barrier", () => {
    const duck = sql(duckdbDialect);
    const trino = sql(trinoDialect);
    expect(duck).toMatch(/regexp_matches\(/);
    expect(duck).not.toMatch(/regexp_like|json_extract_scalar|array_join/);
    expect(trino).toMatch(/regexp_like\(/);
    expect(trino).toMatch(/json_extract_scalar\(/);
    expect(trino).toMatch(/array_join\(/);
    expect(trino).not.toMatch(/regexp_matches|json_extract_string|TIMESTAMPTZ|array_to_string|QUALIFY|GROUP BY ALL|MATERIALIZED/);
    expect(duck).toMatch(/usage AS MATERIALIZED \(/);
    // Replacing the named differences turns one into the other.
    const swapped = duck
      .replaceAll("regexp_matches(", "regexp_like(")
      .replaceAll("json_extract_string(", "json_extract_scalar(")
      .replaceAll("TIMESTAMPTZ", "timestamp")
      .replaceAll("array_to_string(", "array_join(")
      .replace("usage AS MATERIALIZED (", "usage AS (")
      .replace(/CASE WHEN contains\((.+?), ':'\) THEN split_part\(\1, ':', -1\) END/g, (_, t: string) => `regexp_extract(${t}, ':([^:]+)$', 1)`);
    expect(swapped).toBe(trino);
    expect(duck).not.toMatch(/regexp_extract\([^)]*':\(\[\^:\]\+\)\$'/);
  });

  it("the window is the caller's expressions: Athena's placeholders stay placeholders", () => {
    expect(sql(trinoDialect, cur)).toMatch(/AS timestamp\) >= \? AND TRY_CAST\("line_item_usage_start_date" AS timestamp\) < \?/);
    expect(sql(trinoDialect, cur)).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it("a column the data lacks is a typed null, a present one is quoted as the data spells it", () => {
    const text = sql(duckdbDialect);
    expect(text).toMatch(/"ConsumedQuantity"/);
    expect(text).toMatch(/"SkuPriceDetails"/);
    expect(text).not.toMatch(/"SkuMeter"/);
    expect(text).toMatch(/CAST\(NULL AS VARCHAR\)/);
  });

  it("detection names the FOCUS version from the columns each added", () => {
    expect(focus.label).toBe("FOCUS 1.0");
    expect(detectFormat(["chargecategory", "chargeperiodstart", "chargeperiodend", "consumedquantity", "consumedunit", "skumeter"], null, "t").label).toBe("FOCUS 1.1");
    expect(cur.label).toBe("CUR 2.0");
  });
});

/** A FOCUS 1.2 table as tables.get describes it. */
function schema(overrides: Partial<TableSchema> = {}, types: Record<string, string> = {}): TableSchema {
  const names = ["ChargeCategory", "ChargePeriodStart", "ChargePeriodEnd", "ConsumedQuantity", "ConsumedUnit", "BillingPeriodStart", "SkuPriceDetails", "Tags", "BillingAccountType"];
  const base: Record<string, string> = { ChargePeriodStart: "TIMESTAMP", ChargePeriodEnd: "TIMESTAMP", BillingPeriodStart: "TIMESTAMP", ConsumedQuantity: "NUMERIC", SkuPriceDetails: "JSON", Tags: "ARRAY" };
  return { kind: "TABLE", partitionColumn: undefined, requests: {}, columns: names.map((name) => ({ name, type: { ...base, ...types }[name] ?? "STRING" })), ...overrides };
}

describe("GoogleSQL (BigQuery), the third dialect", () => {
  const bq = sql(googleSqlDialect);

  it("writes each named difference its own way and nothing of the other two", () => {
    expect(bq).toMatch(/`ConsumedQuantity`/);
    expect(bq).not.toMatch(/"/);
    expect(bq).toMatch(/CAST\(NULL AS STRING\)/);
    expect(bq).toMatch(/SAFE_CAST\(`ConsumedQuantity` AS FLOAT64\)/);
    expect(bq).toMatch(/SAFE_CAST\(`ChargePeriodStart` AS TIMESTAMP\)/);
    expect(bq).toMatch(/SAFE\.JSON_VALUE\(NULLIF\(CAST\(`SkuPriceDetails` AS STRING\), ''\), '\$\.InstanceType'\)/);
    expect(bq).toMatch(/COUNTIF\(hours < 0\)/);
    expect(bq).toMatch(/STRING_AGG\(DISTINCT purchase\)/);
    expect(bq).toMatch(/TIMESTAMP_DIFF\(usage_end, usage_start, SECOND\) <= 3600/);
    expect(bq).toMatch(/FORMAT_TIMESTAMP\('%F %T', TIMESTAMP_TRUNC\(usage_start, DAY\), 'UTC'\)/);
    expect(bq).not.toMatch(/VARCHAR|DOUBLE|TRY_CAST|TRY\(|FILTER \(WHERE|INTERVAL '1' HOUR|date_trunc|array_agg|regexp_matches|regexp_like|json_extract/);
  });

  it("every pattern is a raw string, and every REGEXP_EXTRACT pattern has exactly one group (BigQuery refuses more)", () => {
    // A backslash in a plain GoogleSQL string is an escape: outside raw strings there must be none.
    expect(bq.replace(/r'[^']*'/g, "r''")).not.toMatch(/\\/);
    const extracts = bq.split("REGEXP_EXTRACT(").slice(1).map((after) => /r'([^']*)'/.exec(after)![1]!);
    expect(extracts.length).toBeGreaterThanOrEqual(3);
    for (const p of extracts) expect((p.match(/(?<!\\)\((?!\?)/g) ?? []).length, p).toBe(1);
  });

  it("the text after the last colon: null without a colon or after a trailing one, in every dialect", async () => {
    const { openDuck } = await import("../../helpers/duckdb.js");
    const duck = await openDuck();
    try {
      for (const [text, want] of [["USE1-SpotUsage:g5.4xlarge", "g5.4xlarge"], ["a:b:c", "c"], ["NC24ads A100 v4", null], ["trailing:", null], [null, null]] as const) {
        const t = text === null ? "CAST(NULL AS VARCHAR)" : `'${text}'`;
        for (const d of [duckdbDialect, trinoDialect]) expect((await duck.rows(`SELECT NULLIF(${d.afterColon(t)}, '') AS v`))[0]!.v, `${text}`).toBe(want);
      }
    } finally {
      duck.close();
    }
  });

  it("the hourly grain truncates to the hour", () => {
    expect(gpuHoursSql({ source: "SELECT 1", detected: focus, dialect: googleSqlDialect, window: null, granularity: "hourly" })).toMatch(/TIMESTAMP_TRUNC\(usage_start, HOUR\)/);
  });
});

describe("the FOCUS table relation in BigQuery", () => {
  it("keeps the window on the bare TIMESTAMP column, as named parameters only, and nested columns as JSON text", () => {
    const q = focusTableQuery("p-1.ds.t", schema(), "daily");
    expect(q.detected.label).toBe("FOCUS 1.2");
    expect(q.sql).toMatch(/SELECT \* REPLACE \(TO_JSON_STRING\(`SkuPriceDetails`\) AS `SkuPriceDetails`\) FROM `p-1\.ds\.t`/);
    expect(q.sql).toMatch(/WHERE `ChargePeriodStart` >= TIMESTAMP\(@since\)\n\s+AND `ChargePeriodStart` < TIMESTAMP\(DATE_ADD\(@until, INTERVAL 1 DAY\)\)/);
    expect(q.sql).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(q.pruning).toMatch(/not partitioned/);
  });

  it("bounds a billing-month partition in the partition column's own type; says what each partitioning allows", () => {
    const ts = focusTableQuery("p-1.ds.t", schema({ partitionColumn: "BillingPeriodStart" }), "daily");
    expect(ts.sql).toMatch(/`BillingPeriodStart` >= TIMESTAMP\(DATE_TRUNC\(@since, MONTH\)\)\n\s+AND `BillingPeriodStart` < TIMESTAMP\(DATE_ADD\(@until, INTERVAL 1 DAY\)\)/);
    const date = focusTableQuery("p-1.ds.t", schema({ partitionColumn: "BillingPeriodStart" }, { BillingPeriodStart: "DATE" }), "daily");
    expect(date.sql).toMatch(/`BillingPeriodStart` >= DATE_TRUNC\(@since, MONTH\)\n\s+AND `BillingPeriodStart` < DATE_ADD\(@until, INTERVAL 1 DAY\)/);
    expect(focusTableQuery("p-1.ds.t", schema({ partitionColumn: "ChargePeriodStart" }), "daily").pruning).toMatch(/pruned by the ChargePeriodStart window/);
    expect(focusTableQuery("p-1.ds.t", schema({ partitionColumn: null }), "daily").pruning).toMatch(/ingestion time/);
    expect(focusTableQuery("p-1.ds.t", schema({ partitionColumn: "x_ExportTime" }), "daily").pruning).toMatch(/partitioned on x_ExportTime, which the window cannot bound/);
    expect(focusTableQuery("p-1.ds.t", schema({ kind: "VIEW" }), "daily").pruning).toMatch(/a view/);
  });

  it("casts a time column held as text; a table without FOCUS's columns names them", () => {
    expect(focusTableQuery("p-1.ds.t", schema({}, { ChargePeriodStart: "STRING" }), "daily").sql).toMatch(/SAFE_CAST\(`ChargePeriodStart` AS TIMESTAMP\) >= TIMESTAMP\(@since\)/);
    const cur = { ...schema(), columns: [{ name: "line_item_usage_amount", type: "FLOAT" }] };
    expect(() => focusTableQuery("p-1.ds.t", cur, "daily")).toThrow(/--focus-table p-1\.ds\.t is not FOCUS: FOCUS lacks ChargeCategory, ChargePeriodStart, ChargePeriodEnd, ConsumedQuantity, ConsumedUnit/);
  });
});

describe("the BigQuery fake's translation is strict where GoogleSQL reads text differently", () => {
  it("refuses double-quoted words, backslashes in plain strings, undeclared parameters and two-group extracts", () => {
    expect(() => translateGoogleSql(`SELECT "x"`, {})).toThrow(/double-quoted word is a string/);
    expect(() => translateGoogleSql(String.raw`SELECT REGEXP_CONTAINS(a, '\.')`, {})).toThrow(/backslash in a plain GoogleSQL string/);
    expect(() => translateGoogleSql("SELECT @since", {})).toThrow(/@since was not given/);
    expect(() => translateGoogleSql("SELECT REGEXP_EXTRACT(a, r'(x)(y)')", {})).toThrow(/one capturing group/);
  });

  it("turns the GoogleSQL forms into DuckDB's", () => {
    expect(translateGoogleSql("SELECT TIMESTAMP_TRUNC(SAFE_CAST(`t` AS TIMESTAMP), DAY) FROM `p.d.t` WHERE `t` >= TIMESTAMP(@since)", { since: "2026-10-01" })).toBe(
      `SELECT date_trunc('day', TRY_CAST("t" AS TIMESTAMP)) FROM "p.d.t" WHERE "t" >= bq_timestamp(DATE '2026-10-01')`,
    );
  });
});
