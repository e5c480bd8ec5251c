import { UsageError } from "../errors.js";
import { tonnesToKg, type Month, type ProviderBasis, type ProviderCell } from "./model.js";

/**
 * The AWS Data Exports `CARBON_EMISSIONS` table (the Customer Carbon Footprint Tool's export; Data Exports user
 * guide, "Carbon emissions columns"): one row per month × account × region × product, in MTCO2e, with the model
 * version that computed it. Newer exports add per-scope columns (`total_scope_2_lbm_emissions_value`, …); where
 * they exist the scope 2 location-based figure is compared, otherwise `total_lbm_emissions_value` (scopes 1 + 2).
 * The same SQL runs in DuckDB (files) and Athena (Trino): only functions both have.
 */

/** The products carbon-track's AWS GPU rows are billed under: EC2 instances and SageMaker. */
export const awsComputeProducts = ["AmazonEC2", "AmazonSageMaker"];

const required = ["usage_period_start", "usage_account_id", "region_code", "product_code", "model_version", "total_lbm_emissions_value", "total_lbm_emissions_unit"];

export interface AwsCarbonQuery {
  sql: string;
  basis: ProviderBasis;
}

/**
 * The query over `source` (a table expression) for the months asked for; `month` places the bounds (literals in
 * DuckDB, ExecutionParameters in Athena). `usage_period` is the export's own partition: bounding it prunes the scan.
 */
export function awsCarbonQuery(columns: readonly string[], source: string, month: { since: string; until: string }, what: string): AwsCarbonQuery {
  const have = new Set(columns.map((c) => c.toLowerCase()));
  const missing = required.filter((c) => !have.has(c));
  if (missing.length > 0) throw new UsageError(`${what} is not a CARBON_EMISSIONS export: no ${missing.join(", ")} column (docs/reconciliation.md)`);
  const scoped = have.has("total_scope_2_lbm_emissions_value");
  const compared = scoped ? "total_scope_2_lbm_emissions_value" : "total_lbm_emissions_value";
  const market = scoped ? (have.has("total_scope_2_mbm_emissions_value") ? "total_scope_2_mbm_emissions_value" : null) : have.has("total_mbm_emissions_value") ? "total_mbm_emissions_value" : null;
  const products = awsComputeProducts.map((p) => `'${p}'`).join(", ");
  const num = (c: string): string => `CAST(${c} AS DOUBLE)`;
  const monthOf = "substr(CAST(usage_period_start AS VARCHAR), 1, 7)";
  const partition = have.has("usage_period") ? `CAST(usage_period AS VARCHAR) BETWEEN ${month.since} AND ${month.until} AND ` : "";
  const sql = `SELECT ${monthOf} AS usage_month, CAST(usage_account_id AS VARCHAR) AS account, coalesce(CAST(region_code AS VARCHAR), 'global') AS region,
      CAST(model_version AS VARCHAR) AS model_version, CAST(total_lbm_emissions_unit AS VARCHAR) AS emissions_unit,
      sum(CASE WHEN product_code IN (${products}) THEN ${num(compared)} ELSE 0 END) AS service_t,
      ${market ? `sum(CASE WHEN product_code IN (${products}) THEN ${num(market)} ELSE 0 END)` : "CAST(NULL AS DOUBLE)"} AS service_market_t,
      sum(${num(compared)}) AS all_t
    FROM ${source}
    WHERE ${partition}${monthOf} BETWEEN ${month.since} AND ${month.until}
    GROUP BY 1, 2, 3, 4, 5`;
  return {
    sql,
    basis: { service: awsComputeProducts.join("+"), scopes: scoped ? "2" : "1+2", method: "location-based" },
  };
}

/** The bound literals a DuckDB query takes for the months. */
export const duckdbMonths = (m: { since: Month; until: Month }): { since: string; until: string } => ({ since: `'${m.since}'`, until: `'${m.until}'` });

const value = (v: unknown): number | null => (v === null || v === undefined || v === "" ? null : Number(v));

/** The query's rows (numbers from DuckDB, text from Athena) as cells in kg; rows in another unit are left out, and said. */
export function awsCarbonCells(rows: readonly Record<string, unknown>[], warnings: string[]): ProviderCell[] {
  const cells: ProviderCell[] = [];
  const otherUnits = new Set<string>();
  for (const r of rows) {
    const unit = String(r.emissions_unit ?? "");
    if (!/^mtco2e$/i.test(unit)) {
      if ((value(r.all_t) ?? 0) !== 0) otherUnits.add(unit || "(none)");
      continue;
    }
    const market = value(r.service_market_t);
    cells.push({
      month: String(r.usage_month),
      provider: "aws",
      account: String(r.account),
      region: String(r.region),
      modelVersion: r.model_version === null || r.model_version === undefined ? null : String(r.model_version),
      serviceKg: tonnesToKg(value(r.service_t) ?? 0),
      serviceMarketKg: market === null ? null : tonnesToKg(market),
      allServicesKg: tonnesToKg(value(r.all_t) ?? 0),
    });
  }
  for (const u of otherUnits) warnings.push(`aws: CARBON_EMISSIONS rows in unit "${u}" left out: only MTCO2e is documented`);
  return cells;
}
