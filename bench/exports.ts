import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DuckDBInstance } from "@duckdb/node-api";
import { median, runNode } from "./child.js";
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
  ratio: Spread;
  /** The same with CPU time (user + system, every thread), which other work on the machine disturbs less. */
  cpuRatio: Spread;
  /** CPU time of the CLI's run and of the bare scan's process (medians). */
  ingestCpuMs: number;
  bareScanCpuMs: number;
  /** DuckDB reading, in a process of its own, the columns the query reads (no filter, no grouping): median. */
  columnsScanMs: number;
  columnsScanCpuMs: number;
}

export interface Spread {
  min: number;
  median: number;
  max: number;
}

const spread = (xs: number[]): Spread => ({ min: Math.min(...xs), median: median(xs), max: Math.max(...xs) });

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

/** Written to stderr as a process exits: its CPU time (user + system, every thread) and peak RSS, from the kernel. */
const usageAtExit = `
import { writeSync } from "node:fs";
process.on("exit", () => {
  const u = process.resourceUsage();
  writeSync(2, "\\nbench-usage " + JSON.stringify({ cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000, maxRssBytes: u.maxRSS * 1024 }) + "\\n");
});
`;

interface Usage {
  wallMs: number;
  cpuMs: number;
  maxRssBytes: number;
}

async function measured(what: string, script: string, args: string[] = []): Promise<Usage> {
  const run = await runNode(["--input-type=module", "-e", usageAtExit + script, "--", ...args], { stdoutToNull: true });
  const said = /bench-usage (\{.*\})/.exec(run.stderr)?.[1];
  if (run.code !== 0 || said === undefined) throw new Error(`${what} exited ${run.code}: ${run.stderr}`);
  return { wallMs: run.wallMs, ...(JSON.parse(said) as { cpuMs: number; maxRssBytes: number }) };
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

const scan = (file: string, kind: "csv" | "parquet", select: string): Promise<Usage> => measured(`scan of ${file}`, scanScript(file, kind, select));

/** The CLI's bin run in the measured process, with the arguments after the script. */
const cliScript = `
process.argv = [process.argv[0], ${JSON.stringify(binPath)}, ...process.argv.slice(1)];
await import(${JSON.stringify(pathToFileURL(binPath).href)});
`;

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
    const bare: Usage[] = [];
    const ingest: Usage[] = [];
    const columns: Usage[] = [];
    for (let i = 0; i < runs; i++) {
      bare.push(await scan(file, format, bareSelect));
      ingest.push(await measured(`--export ${file}`, cliScript, ["--export", file, "--format", "csv", "--intensity", "static", "-q"]));
      columns.push(await scan(file, format, columnsSelect));
    }
    const of = (us: Usage[], k: "wallMs" | "cpuMs"): number[] => us.map((u) => u[k]);
    figures.push({
      format,
      bytes: statSync(file).size,
      rows: data.rows,
      runs,
      ingestMs: median(of(ingest, "wallMs")),
      maxRssBytes: Math.max(...ingest.map((u) => u.maxRssBytes)),
      bareScanMs: median(of(bare, "wallMs")),
      ratio: spread(ingest.map((u, i) => u.wallMs / bare[i]!.wallMs)),
      cpuRatio: spread(ingest.map((u, i) => u.cpuMs / bare[i]!.cpuMs)),
      ingestCpuMs: median(of(ingest, "cpuMs")),
      bareScanCpuMs: median(of(bare, "cpuMs")),
      columnsScanMs: median(of(columns, "wallMs")),
      columnsScanCpuMs: median(of(columns, "cpuMs")),
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
