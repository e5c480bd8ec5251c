import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { lit, type Engine } from "../engine/duckdb.js";
import { UsageError } from "../errors.js";
import { regularFile } from "../io/regular-file.js";
import type { Logger } from "../log.js";
import type { HttpPolicy } from "../net/http-policy.js";
import { Athena } from "../sources/exports/athena.js";
import { awsCarbonCells, awsCarbonQuery, duckdbMonths } from "./aws-carbon.js";
import type { Month, ProviderFigures } from "./model.js";

const kindOf = (path: string): "parquet" | "csv" | null => (/\.parquet$/i.test(path) ? "parquet" : /\.csv(\.gz)?$/i.test(path) ? "csv" : null);

const firstLine = (err: unknown): string => String((err as Error)?.message ?? err).split("\n")[0]!;

/**
 * The data files of --aws-carbon paths: a file, a directory (walked: the export's `model_version=…/usage_period=…/`
 * folders, its manifests skipped) or a glob. Every model version is read: two versions of one month are a
 * restatement, told apart by the model_version column, never added up.
 */
export async function carbonFiles(paths: readonly string[], engine: Engine): Promise<{ parquet: string[]; csv: string[] }> {
  const out = { parquet: [] as string[], csv: [] as string[] };
  const add = (f: string): void => {
    const kind = kindOf(f);
    if (kind && !out[kind].includes(f)) out[kind].push(f);
  };
  for (const path of paths) {
    if (/[*?[]/.test(path)) {
      const found = (await engine.rows(`SELECT file FROM glob(${lit(path)}) ORDER BY file`)).map((r) => String(r.file)).filter((f) => kindOf(f));
      if (found.length === 0) throw new UsageError(`--aws-carbon ${path} matches no .parquet, .csv or .csv.gz file`);
      found.forEach(add);
      continue;
    }
    if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) {
      let names: string[];
      try {
        names = readdirSync(path, { recursive: true, encoding: "utf8" });
      } catch (err) {
        throw new UsageError(`--aws-carbon ${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"}): check the path`);
      }
      const data = names.map((n) => join(path, n)).filter((f) => kindOf(f) && statSync(f).isFile()).sort();
      if (data.length === 0) throw new UsageError(`--aws-carbon ${path} holds no .parquet, .csv or .csv.gz file`);
      data.forEach(add);
      continue;
    }
    regularFile(path, "--aws-carbon", "give the CARBON_EMISSIONS export: a Parquet, CSV or CSV.gz file, a directory or a glob");
    if (!kindOf(path)) throw new UsageError(`--aws-carbon ${path} is not .parquet, .csv or .csv.gz: give a CARBON_EMISSIONS data file`);
    add(path);
  }
  return out;
}

/** The CARBON_EMISSIONS export from files, aggregated by the embedded engine. */
export async function readAwsCarbonFiles(engine: Engine, paths: readonly string[], months: { since: Month; until: Month }): Promise<ProviderFigures> {
  const files = await carbonFiles(paths, engine);
  const list = (fs: string[]): string => `[${fs.map(lit).join(", ")}]`;
  const parts: string[] = [];
  // The partition folders repeat columns the files hold (model_version): the files' own values are used.
  if (files.parquet.length > 0) parts.push(`SELECT * FROM read_parquet(${list(files.parquet)}, union_by_name = true, hive_partitioning = false)`);
  if (files.csv.length > 0) parts.push(`SELECT * FROM read_csv(${list(files.csv)}, union_by_name = true, header = true, hive_partitioning = false, nullstr = ['NULL', 'null', ''])`);
  const source = `(${parts.join(" UNION ALL BY NAME ")})`;
  const count = files.parquet.length + files.csv.length;
  const what = `--aws-carbon (${count} file${count === 1 ? "" : "s"})`;
  let columns: string[];
  try {
    columns = (await engine.rows(`DESCRIBE SELECT * FROM ${source}`)).map((r) => String(r.column_name));
  } catch (err) {
    throw new UsageError(`${what} cannot be read: ${firstLine(err)}`);
  }
  const query = awsCarbonQuery(columns, source, duckdbMonths(months), what);
  let rows: Record<string, unknown>[];
  try {
    rows = await engine.rows(query.sql);
  } catch (err) {
    throw new UsageError(`${what} cannot be read: ${firstLine(err)}`);
  }
  const warnings: string[] = [];
  return { provider: "aws", source: `CARBON_EMISSIONS export, ${count} file${count === 1 ? "" : "s"}`, basis: query.basis, cells: awsCarbonCells(rows, warnings), warnings };
}

export interface AwsCarbonAthena {
  table: string;
  workgroup: string | null;
  output: string | null;
  env: NodeJS.ProcessEnv;
  http: HttpPolicy;
  signal: AbortSignal;
  log: Logger;
}

/** The CARBON_EMISSIONS table in place on Athena: its columns from a `LIMIT 0` query, the months as ExecutionParameters. */
export async function readAwsCarbonAthena(req: AwsCarbonAthena, months: { since: Month; until: Month }): Promise<ProviderFigures> {
  const athena = new Athena(req);
  const table = req.table.split(".").map((p) => `"${p.replaceAll('"', '""')}"`).join(".");
  const probe = await athena.query(`SELECT * FROM ${table} LIMIT 0`, []);
  const query = awsCarbonQuery(probe.columns, table, { since: "?", until: "?" }, `--aws-carbon-athena ${req.table}`);
  const bounds = [`'${months.since}'`, `'${months.until}'`];
  const partitioned = probe.columns.some((c) => c.toLowerCase() === "usage_period");
  const result = await athena.query(query.sql, partitioned ? [...bounds, ...bounds] : bounds);
  const warnings: string[] = [];
  if (!partitioned) warnings.push(`aws: ${req.table} has no usage_period partition: the whole table is scanned`);
  return { provider: "aws", source: `CARBON_EMISSIONS table ${req.table} on Athena, ${result.bytes} bytes scanned`, basis: query.basis, cells: awsCarbonCells(result.rows, warnings), warnings };
}
