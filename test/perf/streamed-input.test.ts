import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { describe, expect, it } from "vitest";
import { estimate } from "../../src/calc/estimate.js";
import { defaultSuggestionLimits, planSuggestions, suggest, topPlans } from "../../src/calc/suggestions.js";
import { summarize } from "../../src/calc/summary.js";
import { emptyTable, staticProvider } from "../../src/intensity/static.js";
import { silentLogger } from "../../src/log.js";
import { detailColumns, suggestionColumns, summaryColumns, type Column } from "../../src/report/columns.js";
import { csvLine } from "../../src/report/csv.js";
import { jsonHead, jsonRecord, jsonTail, roundedRecord, roundFigures } from "../../src/report/json.js";
import type { UsageRecord } from "../../src/schema.js";
import { runCli } from "../helpers/run-cli.js";
import { shippedSetup } from "../report/setup-data.js";
import { createRedactor } from "../../src/text/redact.js";

// The streamed --input path (two passes over the file, records written as they are estimated, nothing held) must
// give exactly what the whole-array stages give for the same rows, byte for byte.

const header = "provider,account,region,instance_type,unit,quantity_hours,period_start,period_end,estimated,cost,currency";
const types = { aws: ["p5.48xlarge", "g6.12xlarge", "x9.unknown"], azure: ["Standard_NC24ads_A100_v4", "Standard_ZZ99_v9"], gcp: ["a2-highgpu-1g", "nvidia-tesla-t4"] };
const regions = { aws: ["us-east-1", "eu-west-1", "mars-north-1"], azure: ["eastus", "swedencentral"], gcp: ["us-central1", "europe-west4"] };
const accounts = ["111122223333", '=HYPERLINK("http://x")', 'team, "quoted"', "+sum", "-neg", "ünïcödé"];
const quote = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s);
const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

/** Mixed rows: three providers, unknown type and region, hostile text, two currencies, daily and hourly periods. */
function mixedInput(): string {
  const lines = [header];
  const day0 = Date.parse("2026-10-01T00:00:00Z");
  let i = 0;
  for (const [a, account] of accounts.entries()) {
    for (const p of ["aws", "azure", "gcp"] as const) {
      for (const t of types[p]) {
        for (const r of regions[p]) {
          const hourly = (a + t.length) % 3 === 0;
          for (let k = 0; k < 5; k++, i++) {
            const start = hourly ? day0 + (a * 7 + k) * 3_600_000 : day0 + (a + k) * 86_400_000;
            const end = start + (hourly ? 3_600_000 : 86_400_000);
            const cost = i % 4 === 0 ? "" : String(((i * 104729) % 100000) / 100);
            const currency = cost === "" ? "" : i % 9 === 0 ? "EUR" : "USD";
            const unit = t === "nvidia-tesla-t4" ? "gpu-hour" : "instance-hour";
            lines.push([p, quote(account), r, t, unit, String(((i * 7919) % 2400) / 100), iso(start), iso(end), String(i % 7 === 0), cost, currency].join(","));
          }
        }
      }
    }
  }
  return `${lines.join("\n")}\n`;
}

/** The whole-array CSV writer the streamed one replaced: csv-stringify over every row at once. */
const knownGoodCsv = <T>(columns: readonly Column<T>[], rows: readonly T[]): string =>
  stringify([columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => c.cell(r)))], { record_delimiter: "windows", quoted_match: /[\r\n]/ });

/** The in-memory computation: every row read, estimated and held, then summed and priced as whole arrays. */
async function inMemory(file: string, window?: { from: string; to: string }) {
  const setup = shippedSetup();
  const rows = parse(readFileSync(file, "utf8"), { columns: true }) as Record<string, string>[];
  const records: UsageRecord[] = rows
    .map((r) => ({
      provider: r.provider as UsageRecord["provider"],
      account: r.account!.trim(),
      region: r.region!,
      instanceType: r.instance_type!,
      unit: r.unit as UsageRecord["unit"],
      quantity: Number(r.quantity_hours),
      periodStart: r.period_start!,
      periodEnd: r.period_end!,
      estimated: r.estimated === "true",
      ...(r.cost ? { cost: Number(r.cost), currency: r.currency! } : {}),
    }))
    .filter((r) => !window || (r.periodStart >= window.from && r.periodStart < window.to));
  const factors = { catalog: setup.catalog, regions: setup.regions, signal: "marginal" as const, gpuUtilization: 0.5 };
  const ranked = estimate({ records, ...factors, intensity: emptyTable() }).records;
  const plans = topPlans(
    planSuggestions({ records: ranked, groups: summarize(ranked).byRegionInstanceType, availability: setup.availability, regions: setup.regions, signal: "marginal", limits: defaultSuggestionLimits }),
    defaultSuggestionLimits,
  );
  const keys = [...new Set(records.map((r) => `${r.provider}:${r.region}`)), ...plans.flatMap((p) => p.candidates.map((c) => `${c.provider}:${c.region}`))];
  const demands = [...new Set(keys)].map((key) => {
    const [provider, region] = key.split(":") as [UsageRecord["provider"], string];
    return { key, region: setup.regions.get(provider, region), periods: [] };
  });
  const ctx = { signal: "marginal" as const, env: {}, log: silentLogger, abort: new AbortController().signal, cacheDir: null, now: new Date(), http: { timeoutMs: 1000, retryBaseMs: 1, maxAttempts: 1 }, redactor: createRedactor([]) };
  const intensity = await staticProvider("--intensity static").resolve(demands, ctx);
  const average = await staticProvider("--intensity static").resolve(demands, { ...ctx, signal: "average" });
  // The CLI's default: the location-based figure leads, the marginal one rides along; suggestions rank by marginal.
  const estimated = estimate({ records, ...factors, signal: "average", intensity: average, companion: intensity }).records;
  const summary = summarize(estimated);
  return { records: estimated, summary, suggestions: suggest({ records: estimated, plans, intensity, signal: "marginal", beside: average }) };
}

describe("streamed --input", () => {
  const dir = mkdtempSync(join(tmpdir(), "ct-stream-"));
  const file = join(dir, "usage.csv");
  writeFileSync(file, mixedInput());
  const env = { HOME: dir };

  it("prints the detail CSV and the JSON document the whole-array stages give", async () => {
    const expected = await inMemory(file);
    expect(expected.records.length).toBeGreaterThan(300);
    expect(expected.suggestions.length).toBeGreaterThan(0);
    const csv = await runCli(["--input", file, "--intensity", "static", "--format", "csv"], { env });
    expect(csv.code, csv.stderr).toBe(0);
    expect(csv.stdout).toBe(knownGoodCsv(detailColumns, expected.records));

    const json = await runCli(["--input", file, "--intensity", "static", "--format", "json"], { env });
    expect(json.code, json.stderr).toBe(0);
    const doc = JSON.parse(json.stdout) as Record<string, unknown>;
    expect(json.stdout).toBe(`${JSON.stringify(doc, null, 2)}\n`);
    // The JSON carries each figure at its CSV column's decimals: the in-memory side is shown the same way.
    expect(doc.records).toEqual(expected.records.map(roundedRecord));
    expect(doc.summary).toEqual(roundFigures(expected.summary));
    expect(doc.suggestions).toEqual(roundFigures(expected.suggestions));
  });

  it("writes the same files, the latest copy included, and keeps rows inside an explicit window", async () => {
    const expected = await inMemory(file, { from: "2026-10-03T00:00:00Z", to: "2026-10-06T00:00:00Z" });
    const out = join(dir, "out");
    const res = await runCli(["--input", file, "--intensity", "static", "--since", "2026-10-03", "--until", "2026-10-05", "--out", out, "--stamp", "none"], { env });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).toMatch(/rows outside 2026-10-03\.\.2026-10-05 left out/);
    const detail = knownGoodCsv(detailColumns, expected.records);
    expect(readFileSync(join(out, "carbon_detail.csv"), "utf8")).toBe(detail);
    expect(readFileSync(join(out, "carbon_detail_latest.csv"), "utf8")).toBe(detail);
    expect(readFileSync(join(out, "carbon_summary.csv"), "utf8")).toBe(knownGoodCsv(summaryColumns, expected.summary.byRegionInstanceType));
    expect(readFileSync(join(out, "carbon_suggestions.csv"), "utf8")).toBe(knownGoodCsv(suggestionColumns, expected.suggestions));
  });

  it("writes CSV lines and JSON pieces exactly as csv-stringify and JSON.stringify write the whole", async () => {
    const { records } = await inMemory(file);
    const cells = ["", "plain", 'say "hi"', "a,b", "a\r\nb", "a\nb", "a\rb", "=1+1", "ü"];
    const hostile = cells.map((c, i) => ({ ...records[i]!, account: c, region: c, instanceType: c }));
    expect(hostile.map((r) => csvLine(detailColumns, r)).join("")).toBe(knownGoodCsv(detailColumns, hostile).split("\r\n").slice(1).join("\r\n"));

    const head = { schemaVersion: 1 as const, period: { since: "2026-10-01", until: "2026-10-02", days: 2, granularity: "daily" as const }, options: { source: "input" as const, providers: ["aws"], gpuUtilization: 0.5, utilizationRules: 0, utilizationFile: null, signal: "marginal" as const, intensity: "static", embodied: null } };
    const tail = { summary: summarize(records.slice(0, 3)), provenance: [], warnings: ["w"], failures: [], suggestions: [], budget: null };
    for (const some of [[], records.slice(0, 3)]) {
      const streamed = jsonHead(head) + some.map((r, i) => jsonRecord(r, i)).join("") + jsonTail(tail, some.length, {});
      const { summary, provenance, warnings, failures, suggestions, budget } = tail;
      const figures = roundFigures({ summary, provenance, suggestions, budget }) as Record<string, unknown>;
      const whole = { ...head, records: some.map(roundedRecord), summary: figures.summary, provenance: figures.provenance, warnings, failures, suggestions: figures.suggestions, budget: figures.budget };
      expect(streamed).toBe(`${JSON.stringify(whole, null, 2)}\n`);
    }
  });
});
