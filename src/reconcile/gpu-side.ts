import { existsSync } from "node:fs";
import { lit, type Engine } from "../engine/duckdb.js";
import { UsageError } from "../errors.js";
import { currentGeneration } from "../ledger/generations.js";
import { ledgerRows } from "../ledger/read.js";
import { regularFile } from "../io/regular-file.js";
import type { ProviderId } from "../schema.js";
import type { GpuCell, Month } from "./model.js";

/** Where carbon-track's figures come from: its ledger, or the detail CSV a run wrote. */
export type GpuSource = { kind: "ledger"; dir: string; given: string } | { kind: "detail"; path: string; given: string };

export interface GpuSide {
  cells: GpuCell[];
  /** The first and last day the rows cover, per provider. */
  span: Map<ProviderId, { first: string; last: string }>;
}

const needed = ["provider", "account", "region", "period_start", "co2e_location_kg"];

const firstLine = (err: unknown): string => String((err as Error)?.message ?? err).split("\n")[0]!;

/**
 * The rows as a table expression. A detail CSV is read by its header with every cell as text, so a file written by
 * a version with more (or fewer unused) columns reads the same; only the five columns used must be there.
 */
async function relation(engine: Engine, source: GpuSource): Promise<string> {
  if (source.kind === "ledger") {
    if (!existsSync(source.dir) || currentGeneration(source.dir) === null) throw new UsageError(`--ledger ${source.given} holds no ledger: runs with --ledger ${source.given} fill it`);
    const rows = ledgerRows(source.dir);
    if (rows === null) throw new UsageError(`--ledger ${source.given} holds no rows`);
    return rows;
  }
  regularFile(source.path, "--detail", "give the carbon_detail_*.csv a run wrote");
  const rel = `read_csv(${lit(source.path)}, header = true, all_varchar = true, delim = ',', quote = '"', escape = '"')`;
  let columns: string[];
  try {
    columns = (await engine.rows(`DESCRIBE SELECT * FROM ${rel}`)).map((r) => String(r.column_name));
  } catch (err) {
    throw new UsageError(`--detail ${source.given} cannot be read as CSV: ${firstLine(err)}`);
  }
  const missing = needed.filter((c) => !columns.includes(c));
  if (missing.length > 0) throw new UsageError(`--detail ${source.given} is not a carbon-track detail CSV: no ${missing.join(", ")} column`);
  return rel;
}

/**
 * carbon-track's location-based GPU CO2e per month × provider × account × region (UTC months of period_start),
 * within the months asked for (all when null). A row without a location figure is counted, not summed.
 */
export async function readGpuSide(engine: Engine, source: GpuSource, months: { since: Month; until: Month } | null): Promise<GpuSide> {
  const rel = await relation(engine, source);
  const within = months ? `WHERE ym BETWEEN ${lit(months.since)} AND ${lit(months.until)}` : "";
  let rows: Record<string, unknown>[];
  try {
    rows = await engine.rows(`
      WITH src AS (
        SELECT CAST(provider AS VARCHAR) AS provider,
               CASE WHEN provider = 'azure' THEN lower(CAST(account AS VARCHAR)) ELSE CAST(account AS VARCHAR) END AS account, CAST(region AS VARCHAR) AS region,
               CAST(period_start AS TIMESTAMPTZ) AS ts, TRY_CAST(co2e_location_kg AS DOUBLE) AS kg
        FROM ${rel}),
      m AS (SELECT *, strftime(ts, '%Y-%m') AS ym FROM src)
      SELECT ym, provider, account, region, coalesce(sum(kg), 0) AS kg, count(*) FILTER (WHERE kg IS NULL)::INTEGER AS unestimated,
             strftime(min(ts), '%Y-%m-%d') AS lo, strftime(max(ts), '%Y-%m-%d') AS hi
      FROM m ${within} GROUP BY ALL ORDER BY ALL`);
  } catch (err) {
    throw new UsageError(`${source.kind === "ledger" ? "--ledger" : "--detail"} ${source.given} cannot be read: ${firstLine(err)}`);
  }
  const span = new Map<ProviderId, { first: string; last: string }>();
  const cells: GpuCell[] = [];
  for (const r of rows) {
    const provider = String(r.provider);
    if (provider !== "aws" && provider !== "azure" && provider !== "gcp") continue;
    cells.push({ month: String(r.ym), provider, account: String(r.account), region: String(r.region), co2eLocationKg: Number(r.kg), unestimatedRows: Number(r.unestimated) });
    const s = span.get(provider);
    const [first, last] = [String(r.lo), String(r.hi)];
    span.set(provider, s ? { first: first < s.first ? first : s.first, last: last > s.last ? last : s.last } : { first, last });
  }
  return { cells, span };
}
