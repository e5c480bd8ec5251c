import { readFileSync } from "node:fs";
import type { UsageRecord } from "../src/schema.js";
import type { IntensityTable, IntensityValue } from "../src/intensity/types.js";
import { distUrl, repoRoot } from "./paths.js";
import { generateUsage } from "./usage-rows.js";

/**
 * Figure 4, in a process of its own so its memory is its own: estimate + summarize over N generated rows with a
 * time-matched value per region and hour (the WattTime case: one map lookup per row). Prints one JSON line.
 * Mode "array": estimate() and summarize() over an array, all CarbonRecords held (the provider path).
 * Mode "stream": createEstimator().row and summaryBuilder().add per row, nothing held (what a streamed path does).
 */
const mode = process.argv[2] === "stream" ? "stream" : "array";
const rows = Number(process.argv[3] ?? 1_000_000);
const since = "2026-10-01";

const { estimate, createEstimator } = (await import(distUrl("calc/estimate.js"))) as typeof import("../src/calc/estimate.js");
const { summarize, summaryBuilder } = (await import(distUrl("calc/summary.js"))) as typeof import("../src/calc/summary.js");
const { buildCatalog } = (await import(distUrl("config/catalog.js"))) as typeof import("../src/config/catalog.js");
const { buildRegions } = (await import(distUrl("config/regions.js"))) as typeof import("../src/config/regions.js");

const catalog = buildCatalog(JSON.parse(readFileSync(`${repoRoot}config/catalog.json`, "utf8")), undefined, "config/catalog.json");
const regions = buildRegions(JSON.parse(readFileSync(`${repoRoot}config/regions.json`, "utf8")), undefined, "config/regions.json");

const records: UsageRecord[] = [];
generateUsage(rows, since, (r) => records.push(r));

const intensity: IntensityTable = { byPeriod: new Map(), byRegion: new Map(), provenance: [], warnings: [], failures: [], requests: {} };
for (const r of records) {
  const key = `${r.provider}:${r.region}`;
  let periods = intensity.byPeriod.get(key);
  if (!periods) intensity.byPeriod.set(key, (periods = new Map<string, IntensityValue>()));
  if (!periods.has(r.periodStart)) {
    periods.set(r.periodStart, { kgPerKwh: 0.3 + (periods.size % 24) / 100, signal: "marginal", source: "watttime:historical", note: "" });
  }
}

globalThis.gc?.();
const before = process.memoryUsage();
const started = performance.now();
const factors = { catalog, regions, intensity, signal: "marginal", gpuUtilization: 0.6 } as const;
let summary: ReturnType<typeof summarize>;
if (mode === "array") summary = summarize(estimate({ records, ...factors }).records);
else {
  const estimator = createEstimator(factors);
  const builder = summaryBuilder();
  for (const r of records) builder.add(estimator.row(r));
  summary = builder.finish();
}
const elapsedMs = performance.now() - started;
const after = process.memoryUsage();

process.stdout.write(
  `${JSON.stringify({
    mode,
    rows,
    elapsedMs,
    rowsPerSecond: rows / (elapsedMs / 1000),
    // What the calc stage itself holds: the CarbonRecords and summary, over the usage rows already in memory.
    calcHeapBytes: after.heapUsed - before.heapUsed,
    heapUsedBytes: after.heapUsed,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    check: summary.totals.rows,
  })}\n`,
);
