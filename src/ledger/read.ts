import { lit } from "../engine/duckdb.js";
import { currentGeneration, listPartitions } from "./generations.js";

/**
 * The ledger's detail rows as a DuckDB table expression (with the hive columns `provider` and `month`), or null
 * when the ledger holds none. The link is resolved once, so one read sees one generation even if a run swaps it.
 */
export function ledgerRows(dir: string): string | null {
  const gen = currentGeneration(dir);
  if (listPartitions(gen).length === 0) return null;
  return `read_parquet(${lit(`${gen}/detail/provider=*/month=*/data.parquet`)}, hive_partitioning = true, union_by_name = true, hive_types = {'provider': VARCHAR, 'month': VARCHAR})`;
}
