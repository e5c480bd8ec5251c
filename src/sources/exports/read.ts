import { tmpdir } from "node:os";
import { join } from "node:path";
import { UsageError } from "../../errors.js";
import { lit, openEngine, type Engine } from "../../engine/duckdb.js";
import { detectFormat, type Detected, type ExportFormat } from "./detect.js";
import { exportFiles, type ExportFiles } from "./files.js";
import { exportRows, type ExportUsage } from "./rows.js";
import { duckdbDialect, gpuHoursSql } from "./sql.js";
import type { GroupKey } from "../../attribution/keys.js";

export interface ExportRequest {
  paths: readonly string[];
  format: ExportFormat | null;
  /** Inclusive start and exclusive end instants, or null for the data's whole span. */
  window: { from: string; to: string } | null;
  granularity: "daily" | "hourly";
  /** --group-by keys, read from the lines' tags. */
  groupKeys?: readonly GroupKey[];
  /** --audit: the aggregation as the engine runs it, with the files it reads and the window. */
  record?(name: string, params: unknown): void;
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
  // The query's `usage` layer is a materialized CTE (sql.ts, duckdbDialect.usageCte) so that the later layers' tests
  // run on the GPU rows only; this optimizer would push them back into it, onto every line item.
  "SET disabled_optimizers = 'cte_filter_pusher'",
];

const firstLine = (err: unknown): string => String((err as Error)?.message ?? err).split("\n")[0]!;

function relation(files: ExportFiles): string {
  const list = (fs: string[]): string => `[${fs.map(lit).join(", ")}]`;
  const parts: string[] = [];
  if (files.parquet.length > 0) parts.push(`SELECT * FROM read_parquet(${list(files.parquet)}, union_by_name = true)`);
  // Literal NULL strings would type a number column as text (EXPORTS.md trap 8). Every column is read as text: the
  // query casts the few it needs on the GPU rows alone, where typing them in the reader would parse every line item's
  // times and numbers (about a tenth of the query's time on the bench's CSV).
  if (files.csv.length > 0) {
    parts.push(`SELECT * FROM read_csv(${list(files.csv)}, union_by_name = true, header = true, nullstr = ['NULL', 'null', ''], all_varchar = true)`);
  }
  return parts.join(" UNION ALL BY NAME ");
}

async function describe(engine: Engine, from: string): Promise<string[]> {
  try {
    return (await engine.rows(`DESCRIBE ${from}`)).map((r) => String(r.column_name));
  } catch (err) {
    throw new UsageError(`--export cannot be read: ${firstLine(err)}`);
  }
}

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
      const window = req.window ? { from: `TIMESTAMPTZ ${lit(req.window.from)}`, to: `TIMESTAMPTZ ${lit(req.window.to)}` } : null;
      const sql = gpuHoursSql({ source: from, detected, dialect: duckdbDialect, window, granularity: req.granularity, groupKeys: req.groupKeys });
      // The engine takes no bound parameters here: the window and the files are literals in the SQL, listed beside it.
      req.record?.("DuckDB query", { format: detected.label, files: [...files.parquet, ...files.csv], window: req.window, sql });
      rows = await engine.rows(sql);
    } catch (err) {
      throw new UsageError(`--export ${detected.label} cannot be read: ${firstLine(err)}`);
    }
    const usage = exportRows(rows, req.granularity, "export", req.groupKeys);
    if (files.skipped > 0) usage.warnings.unshift(`export: ${files.skipped} data files of earlier deliveries left out (a later delivery of their billing period replaces them)`);
    usage.notes.unshift(`export: ${detected.label}, ${files.parquet.length} Parquet and ${files.csv.length} CSV files`);
    return usage;
  } finally {
    engine.close();
  }
}

