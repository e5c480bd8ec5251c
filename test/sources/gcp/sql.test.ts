import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { attachedGpuType } from "../../../src/sources/gcp/skus.js";
import { buildGpuUsageQuery, SKU_PATTERNS } from "../../../src/sources/gcp/sql.js";
import { checkQueryRequest } from "../../fakes/bigquery.js";
import { repoRoot } from "../../helpers/run-cli.js";
import { exportTable, window } from "./harness.js";

interface SkuLine {
  description: string;
  unit: string;
  machineSpec: string | null;
  expected: string;
}
const skuLines = (JSON.parse(readFileSync(join(repoRoot, "test/fixtures/gcp/sku-lines.json"), "utf8")) as { lines: SkuLine[] }).lines;

/** RE2's `(?i)` is JavaScript's `i` flag; the patterns use nothing else the two engines read differently. */
const re = (source: string) => new RegExp(source, "i");

/** The query's WHERE and CASE, line by line, over the same patterns the SQL embeds. */
function classify(line: SkuLine): string {
  if (re(SKU_PATTERNS.excluded).test(line.description)) return "excluded";
  const seconds = line.unit === "seconds";
  if (
    seconds &&
    line.machineSpec !== null &&
    new RegExp(SKU_PATTERNS.acceleratorMachine).test(line.machineSpec) &&
    re(SKU_PATTERNS.instanceCore).test(line.description) &&
    !re(SKU_PATTERNS.licence).test(line.description)
  ) {
    return "machine";
  }
  const gpu = re(SKU_PATTERNS.attachedGpu).exec(line.description);
  if (seconds && gpu?.[1]) return `gpu:${attachedGpuType(gpu[1]) ?? "?"}`;
  if (
    seconds &&
    line.machineSpec !== null &&
    new RegExp(SKU_PATTERNS.n1Machine).test(line.machineSpec) &&
    re(SKU_PATTERNS.instanceCore).test(line.description) &&
    !re(SKU_PATTERNS.licence).test(line.description)
  ) {
    return "n1";
  }
  return "other";
}

describe("the GPU usage query", () => {
  const { sql, dateParams } = buildGpuUsageQuery(exportTable, window);

  it("filters partitions and usage time with date parameters, never date literals", () => {
    expect(dateParams).toEqual({ since: "2026-10-01", until: "2026-10-03" });
    expect(sql).toContain("_PARTITIONTIME >= TIMESTAMP(DATE_SUB(@since, INTERVAL 1 DAY))");
    expect(sql).toContain("_PARTITIONTIME < TIMESTAMP(DATE_ADD(@until, INTERVAL 6 DAY))");
    expect(sql).toContain("usage_start_time >= TIMESTAMP(@since)");
    expect(sql).toContain("usage_start_time < TIMESTAMP(DATE_ADD(@until, INTERVAL 1 DAY))");
    expect(sql).not.toMatch(/\d{4}-\d{2}-\d{2}/);
    expect(sql).toContain(`FROM \`${exportTable}\``);
  });

  it("passes the fake's request checks, daily and hourly", () => {
    const body = (q: string) => ({
      query: q,
      useLegacySql: false,
      parameterMode: "named",
      maximumBytesBilled: "1",
      queryParameters: ["since", "until"].map((name) => ({ name, parameterType: { type: "DATE" }, parameterValue: { value: "2026-10-01" } })),
    });
    expect(checkQueryRequest(body(sql), "DAY")).toEqual([]);
    const hourly = buildGpuUsageQuery(exportTable, { ...window, granularity: "hourly" }).sql;
    expect(checkQueryRequest(body(hourly), "HOUR")).toEqual([]);
    expect(hourly.replace("TIMESTAMP_TRUNC(usage_start_time, HOUR)", "TIMESTAMP_TRUNC(usage_start_time, DAY)")).toBe(sql);
  });

  it("keeps only regular Compute Engine usage and embeds each line pattern", () => {
    expect(sql).toContain("cost_type = 'regular'");
    expect(sql).toContain("service.description = 'Compute Engine'");
    for (const pattern of Object.values(SKU_PATTERNS)) expect(sql).toContain(pattern);
    expect(sql).toContain("CAST(SUM(usage_amount) AS FLOAT64) AS usage_seconds");
  });

  it.each(skuLines.map((l) => [l.description, l] as const))("classifies %s", (_d, line) => {
    expect(classify(line)).toBe(line.expected);
  });
});
