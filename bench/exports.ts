import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { median, runNode, runWithPeak } from "./child.js";
import { binPath, repoRoot, workDir } from "./paths.js";

export interface ExportFigures {
  format: "csv" | "parquet";
  bytes: number;
  rows: number;
  runs: number;
  /** The CLI's whole run: --export FILE --format csv, detail to stdout (median of the runs). */
  ingestMs: number;
  maxRssBytes: number;
  /** DuckDB's own bare scan of the same file (count and sum of every row), in a process of its own (median). */
  bareScanMs: number;
  /** The run's time over the bare scan's, each run against the bare scan just before it: a loaded machine varies. */
  ratio: { min: number; median: number; max: number };
  /** DuckDB reading, in a process of its own, the columns the query reads (no filter, no grouping): median. */
  columnsScanMs: number;
}

/** The columns the GPU-hours query reads from the bench's file (src/sources/exports/sql.ts, FOCUS). */
const queryColumns = ["ChargeCategory", "ChargePeriodStart", "ChargePeriodEnd", "ConsumedQuantity", "ConsumedUnit", "ChargeClass", "PricingCategory",
  "ProviderName", "SubAccountId", "RegionId", "ResourceId", "ServiceCategory", "SkuMeter", "ChargeDescription"];

const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/**
 * A FOCUS 1.2-shaped file of about `targetBytes` (CSV), hourly AWS rows of which one in twenty are GPU instance
 * hours over 12 types, 50 accounts and 4 regions; the Parquet copy holds the same rows.
 */
async function writeFocus(dir: string, targetBytes: number): Promise<{ csv: string; parquet: string; rows: number }> {
  mkdirSync(dir, { recursive: true });
  const rows = Math.round(targetBytes / 330);
  const csv = join(dir, "focus.csv");
  const parquet = join(dir, "focus.parquet");
  const instance = await DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false", autoload_known_extensions: "false" });
  const conn = await instance.connect();
  const select = `SELECT
      TIMESTAMP '2026-10-01' + INTERVAL (i % 720) HOUR AS ChargePeriodStart,
      TIMESTAMP '2026-10-01' + INTERVAL (i % 720 + 1) HOUR AS ChargePeriodEnd,
      TIMESTAMP '2026-10-01' AS BillingPeriodStart,
      'Usage' AS ChargeCategory, NULL AS ChargeClass,
      CASE WHEN i % 7 = 0 THEN 'Committed' ELSE 'Standard' END AS PricingCategory,
      'Amazon Web Services' AS ProviderName, 'Billing Account' AS BillingAccountType,
      'acct-' || (100000 + i % 50) AS SubAccountId,
      ['us-east-1', 'us-west-2', 'eu-west-1', 'ap-northeast-1'][1 + i % 4] AS RegionId,
      'i-' || (i % 100000) AS ResourceId, 'Compute' AS ServiceCategory,
      CASE WHEN i % 20 = 0 THEN 'USE1-BoxUsage:' || ['p5.48xlarge', 'p4d.24xlarge', 'g5.xlarge', 'g6.12xlarge', 'p4de.24xlarge', 'g5.48xlarge',
        'trn1.32xlarge', 'inf2.48xlarge', 'g6e.12xlarge', 'p5e.48xlarge', 'g4dn.xlarge', 'dl1.24xlarge'][1 + (i // 20) % 12]
        ELSE 'USE1-BoxUsage:m5.xlarge' END AS SkuMeter,
      round(random(), 4) AS ConsumedQuantity, 'Hours' AS ConsumedUnit, round(random() * 30, 6) AS BilledCost,
      'padding to the width of a real FOCUS row, which carries forty-odd columns of names and ids' AS ChargeDescription
    FROM range(${rows}) t(i)`;
  await conn.run(`COPY (${select}) TO ${lit(csv)} (FORMAT csv, HEADER)`);
  await conn.run(`COPY (SELECT * FROM read_csv(${lit(csv)})) TO ${lit(parquet)} (FORMAT parquet)`);
  conn.closeSync();
  instance.closeSync();
  return { csv, parquet, rows };
}

const scanScript = (file: string, kind: "csv" | "parquet", select: string): string => `
import { DuckDBInstance } from ${JSON.stringify(new URL(import.meta.resolve("@duckdb/node-api")).href)};
const i = await DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false", autoload_known_extensions: "false" });
const c = await i.connect();
await c.runAndReadAll(${JSON.stringify(`SELECT ${select} FROM ${kind === "csv" ? "read_csv" : "read_parquet"}(${lit(file)})`)});
`;
const bareSelect = "count(*), sum(TRY_CAST(ConsumedQuantity AS DOUBLE))";
// Every value is read and hashed: a count alone could be answered from Parquet's statistics.
const columnsSelect = queryColumns.map((c) => `max(hash(${c}))`).join(", ");

async function scan(file: string, kind: "csv" | "parquet", select: string): Promise<number> {
  const run = await runNode(["--input-type=module", "-e", scanScript(file, kind, select)]);
  if (run.code !== 0) throw new Error(`scan of ${file} exited ${run.code}: ${run.stderr}`);
  return run.wallMs;
}

/**
 * Export ingest against the engine's own bare scan of the same file, `runs` times (BENCH_EXPORT_RUNS, default 3),
 * each run right after a bare scan; the CLI's peak RSS; and the engine reading the query's columns alone, which
 * is what any query of these columns must pay, whoever writes it.
 */
export async function exportBench(targetBytes: number, runs = Number(process.env.BENCH_EXPORT_RUNS ?? 3)): Promise<ExportFigures[]> {
  const data = await writeFocus(join(workDir, "exports"), targetBytes);
  const figures: ExportFigures[] = [];
  for (const format of ["parquet", "csv"] as const) {
    const file = data[format];
    const bare: number[] = [];
    const ingest: number[] = [];
    const columns: number[] = [];
    let maxRssBytes = 0;
    for (let i = 0; i < runs; i++) {
      bare.push(await scan(file, format, bareSelect));
      const run = await runWithPeak(binPath, ["--export", file, "--format", "csv", "--intensity", "static", "-q"], { stdoutToNull: true });
      if (run.code !== 0) throw new Error(`--export ${file} exited ${run.code}: ${run.stderr}`);
      ingest.push(run.wallMs);
      maxRssBytes = Math.max(maxRssBytes, run.peak.maxRssBytes);
      columns.push(await scan(file, format, columnsSelect));
    }
    const ratios = ingest.map((ms, i) => ms / bare[i]!);
    figures.push({
      format,
      bytes: statSync(file).size,
      rows: data.rows,
      runs,
      ingestMs: median(ingest),
      maxRssBytes,
      bareScanMs: median(bare),
      ratio: { min: Math.min(...ratios), median: median(ratios), max: Math.max(...ratios) },
      columnsScanMs: median(columns),
    });
  }
  return figures;
}

/**
 * The Athena requests of one `--athena-table` run over the loopback Athena (test/fakes/athena.ts), as the run reports
 * them with -v: one probe and one query, each started, polled and paged.
 */
export async function athenaRequests(): Promise<Record<string, number>> {
  const { startFakeAthena } = await import("../test/fakes/athena.js");
  const dir = join(workDir, "athena/BILLING_PERIOD=2026-10/d1");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "part-0.parquet");
  const instance = await DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false", autoload_known_extensions: "false" });
  const conn = await instance.connect();
  await conn.run(`COPY (SELECT * FROM read_csv(${lit(join(repoRoot, "test/fixtures/exports/cur2-traps.csv"))}, nullstr = ['NULL'], all_varchar = true)) TO ${lit(file)} (FORMAT parquet)`);
  conn.closeSync();
  instance.closeSync();
  const fake = await startFakeAthena({ tables: { "cur.cur2": [file] } });
  try {
    const env = { AWS_ACCESS_KEY_ID: "AKIDBENCH", AWS_SECRET_ACCESS_KEY: "bench", AWS_REGION: "us-east-1", AWS_ENDPOINT_URL_ATHENA: fake.url, AWS_EC2_METADATA_DISABLED: "true" };
    const run = await runNode([binPath, "--athena-table", "cur.cur2", "--since", "2026-10-01", "--until", "2026-10-03", "--format", "csv", "--intensity", "static", "-v"], { env, stdoutToNull: true });
    if (run.code !== 0) throw new Error(`--athena-table exited ${run.code}: ${run.stderr}`);
    const said = /athena requests: (\{.*\})/.exec(run.stderr)?.[1];
    return said ? (JSON.parse(said) as Record<string, number>) : {};
  } finally {
    await fake.close();
  }
}
