import { describe, expect, it } from "vitest";
import { detectFormat } from "../../../src/sources/exports/detect.js";
import { duckdbDialect, gpuHoursSql, trinoDialect, type Dialect } from "../../../src/sources/exports/sql.js";

const focus = detectFormat(["ChargeCategory", "ChargePeriodStart", "ChargePeriodEnd", "ConsumedQuantity", "ConsumedUnit", "SkuPriceDetails"], null, "t");
const cur = detectFormat(
  ["line_item_line_item_type", "line_item_product_code", "line_item_usage_type", "line_item_usage_amount", "line_item_usage_start_date", "line_item_usage_end_date", "pricing_unit"],
  null,
  "t",
);
const sql = (dialect: Dialect, detected = focus): string =>
  gpuHoursSql({ source: "SELECT * FROM t", detected, dialect, window: { from: "?", to: "?" }, granularity: "daily" });

describe("one GPU-hours query, two dialects", () => {
  it("DuckDB and Trino differ only where named: regexp, JSON, time type, array join", () => {
    const duck = sql(duckdbDialect);
    const trino = sql(trinoDialect);
    expect(duck).toMatch(/regexp_matches\(/);
    expect(duck).not.toMatch(/regexp_like|json_extract_scalar|array_join/);
    expect(trino).toMatch(/regexp_like\(/);
    expect(trino).toMatch(/json_extract_scalar\(/);
    expect(trino).toMatch(/array_join\(/);
    expect(trino).not.toMatch(/regexp_matches|json_extract_string|TIMESTAMPTZ|array_to_string|QUALIFY|GROUP BY ALL/);
    // Replacing the named differences turns one into the other.
    const swapped = duck
      .replaceAll("regexp_matches(", "regexp_like(")
      .replaceAll("json_extract_string(", "json_extract_scalar(")
      .replaceAll("TIMESTAMPTZ", "timestamp")
      .replaceAll("array_to_string(", "array_join(");
    expect(swapped).toBe(trino);
  });

  it("the window is the caller's expressions: Athena's placeholders stay placeholders", () => {
    expect(sql(trinoDialect, cur)).toMatch(/usage_start >= \? AND usage_start < \?/);
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
