import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../../errors.js";
import { lit, openEngine, type Engine } from "../../engine/duckdb.js";
import type { UsageRecord } from "../../schema.js";
import { attachedGpuType } from "../gcp/skus.js";
import { detectFormat, type Detected, type ExportFormat } from "./detect.js";
import { exportFiles, type ExportFiles } from "./files.js";
import { gpuHoursSql } from "./sql.js";

export interface ExportRequest {
  paths: readonly string[];
  format: ExportFormat | null;
  /** Inclusive start and exclusive end instants, or null for the data's whole span. */
  window: { from: string; to: string } | null;
  granularity: "daily" | "hourly";
}

export interface ExportUsage {
  records: UsageRecord[];
  /** What a person should know: replaced deliveries, negative rows, clipped hours. */
  warnings: string[];
  /** Said with -v: the format, the files, the purchase options. */
  notes: string[];
}

/**
 * The engine's memory is bounded: an aggregation over a file of any size stays well under 1 GB (past the limit it
 * spills to the system's temporary folder, never to the working directory), and row order is not kept, which the
 * aggregation never needs.
 */
const engineSettings = (): string[] => [
  "SET memory_limit = '512MB'",
  "SET preserve_insertion_order = false",
  `SET temp_directory = ${lit(join(tmpdir(), `carbon-track-export-${process.pid}`))}`,
];

const firstLine = (err: unknown): string => String((err as Error)?.message ?? err).split("\n")[0]!;

function relation(files: ExportFiles): string {
  const list = (fs: string[]): string => `[${fs.map(lit).join(", ")}]`;
  const parts: string[] = [];
  if (files.parquet.length > 0) parts.push(`SELECT * FROM read_parquet(${list(files.parquet)}, union_by_name = true)`);
  // Literal NULL strings would type a number column as text (EXPORTS.md trap 8).
  if (files.csv.length > 0) parts.push(`SELECT * FROM read_csv(${list(files.csv)}, union_by_name = true, header = true, nullstr = ['NULL', 'null', ''])`);
  return `(${parts.join(" UNION ALL BY NAME ")})`;
}

async function describe(engine: Engine, from: string): Promise<string[]> {
  try {
    return (await engine.rows(`DESCRIBE SELECT * FROM ${from}`)).map((r) => String(r.column_name));
  } catch (err) {
    throw new UsageError(`--export cannot be read: ${firstLine(err)}`);
  }
}

/** The catalog's type and unit for a result row: GCP GPU SKUs are billed per GPU (EXPORTS.md §4). */
function typeAndUnit(instanceType: string): { instanceType: string; unit: UsageRecord["unit"] } {
  if (!instanceType.startsWith("gcp-gpu:")) return { instanceType, unit: "instance-hour" };
  const model = instanceType.slice("gcp-gpu:".length);
  return { instanceType: attachedGpuType(model) ?? `nvidia-${model.toLowerCase()}`, unit: "gpu-hour" };
}

const addStep = (start: string, granularity: "daily" | "hourly"): string =>
  new Date(Date.parse(start) + (granularity === "hourly" ? 3_600_000 : 86_400_000)).toISOString().replace(".000Z", "Z");

const round = (n: number): number => Math.round(n * 1e6) / 1e6;

/** Reads GPU hours from export files: the engine filters and aggregates; only the aggregated rows reach JS. */
export async function readExports(req: ExportRequest): Promise<ExportUsage> {
  const engine = await openEngine();
  try {
    for (const s of engineSettings()) await engine.run(s);
    const files = await exportFiles(req.paths, engine);
    const from = relation(files);
    const count = files.parquet.length + files.csv.length;
    const detected: Detected = detectFormat(await describe(engine, from), req.format, `--export (${count} file${count === 1 ? "" : "s"})`);
    let rows: Record<string, unknown>[];
    try {
      rows = await engine.rows(gpuHoursSql({ from, detected, window: req.window, granularity: req.granularity }));
    } catch (err) {
      throw new UsageError(`--export ${detected.label} cannot be read: ${firstLine(err)}`);
    }
    return toUsage(rows, req.granularity, detected, files);
  } finally {
    engine.close();
  }
}

function toUsage(rows: Record<string, unknown>[], granularity: "daily" | "hourly", detected: Detected, files: ExportFiles): ExportUsage {
  const records: UsageRecord[] = [];
  let negativeRows = 0;
  let corrections = 0;
  let clipped = 0;
  let netNegative = 0;
  let lineItems = 0;
  const purchases = new Set<string>();
  for (const r of rows) {
    const hours = Number(r.hours);
    negativeRows += Number(r.negative_rows);
    corrections += Number(r.corrections);
    clipped += Number(r.clipped);
    lineItems += Number(r.line_items);
    for (const p of r.purchases as string[]) purchases.add(p);
    if (hours < 0) netNegative++;
    if (!(hours > 0)) continue;
    const periodStart = String(r.period_start);
    records.push({
      provider: r.provider as UsageRecord["provider"],
      account: String(r.account),
      region: String(r.region),
      ...typeAndUnit(String(r.instance_type)),
      quantity: round(hours),
      periodStart,
      periodEnd: addStep(periodStart, granularity),
      estimated: false,
    });
  }
  const warnings: string[] = [];
  if (files.skipped > 0) warnings.push(`export: ${files.skipped} data files of earlier deliveries left out (a later delivery of their billing period replaces them)`);
  if (negativeRows > 0) warnings.push(`export: ${negativeRows} GPU usage rows with negative quantity kept in the sums (they reverse earlier rows)`);
  if (netNegative > 0) warnings.push(`export: ${netNegative} groups whose hours net below zero left out`);
  if (corrections > 0) warnings.push(`export: ${corrections} GPU usage rows are corrections of an invoiced period (ChargeClass Correction)`);
  if (clipped > 0) warnings.push(`export: ${round(clipped)} h above 1 h per instance-hour clipped (one resource billed twice in an hour)`);
  const notes = [
    `export: ${detected.label}, ${files.parquet.length} Parquet and ${files.csv.length} CSV files, ${lineItems} GPU line items in ${records.length} rows`,
    `export: purchase options ${[...purchases].sort().join(", ") || "none"}`,
  ];
  return { records, warnings, notes };
}
