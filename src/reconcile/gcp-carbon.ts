import { UsageError } from "../errors.js";
import type { HttpPolicy } from "../net/http-policy.js";
import { createBigQueryClient, registerTokens, runQuery } from "../sources/gcp/bigquery-client.js";
import { explainBigQueryError } from "../sources/gcp/errors.js";
import { DEFAULT_MAXIMUM_BYTES_BILLED } from "../sources/gcp/job.js";
import type { Redactor } from "../text/redact.js";
import type { Month, ProviderCell, ProviderFigures } from "./model.js";

/**
 * The Carbon Footprint BigQuery export (cloud.google.com/carbon-footprint/docs/data-schema): one row per month ×
 * billing account × project × service × location, in kgCO2e, split by scope (`carbon_footprint_kgCO2e.scope1`,
 * `.scope2.location_based`, `.scope2.market_based`, `.scope3`) and stamped with `carbon_model_version`.
 * The scope 2 location-based figure of Compute Engine is compared: it is the one closest to carbon-track's
 * (operational electricity × a location-based grid factor); BigQuery aggregates, only the cells come back.
 */

/** The service carbon-track's GCP GPU rows are billed under. */
export const gcpComputeService = "Compute Engine";

/** `project.dataset.table`: the name is put into the SQL (a table cannot be a parameter), so only plain names pass. */
const TABLE = /^([a-z][a-z0-9-]{4,28}[a-z0-9])\.([A-Za-z0-9_]{1,1024})\.([A-Za-z0-9_]{1,1024})$/;

export function checkGcpCarbonTable(name: string): string {
  if (!TABLE.test(name)) throw new UsageError(`--gcp-carbon-table "${name.slice(0, 200)}" is not project.dataset.table (the Carbon Footprint export's table, e.g. my-project.carbon.carbon_footprint)`);
  return name;
}

export function gcpCarbonSql(table: string): string {
  return `SELECT FORMAT_DATE('%Y-%m', usage_month) AS usage_month,
  IFNULL(project.id, '') AS account,
  IFNULL(location.region, IFNULL(location.location, 'global')) AS region,
  CAST(carbon_model_version AS STRING) AS model_version,
  CAST(SUM(IF(service.description = '${gcpComputeService}', carbon_footprint_kgCO2e.scope2.location_based, 0)) AS FLOAT64) AS service_kg,
  CAST(SUM(IF(service.description = '${gcpComputeService}', carbon_footprint_kgCO2e.scope2.market_based, 0)) AS FLOAT64) AS service_market_kg,
  CAST(SUM(carbon_footprint_kgCO2e.scope2.location_based) AS FLOAT64) AS all_kg
FROM \`${checkGcpCarbonTable(table)}\`
WHERE usage_month BETWEEN @since AND @until
GROUP BY 1, 2, 3, 4`;
}

export interface GcpCarbonRequest {
  table: string;
  env: NodeJS.ProcessEnv;
  http: HttpPolicy;
  signal: AbortSignal;
  redactor: Redactor;
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export function gcpCarbonCells(rows: readonly unknown[]): ProviderCell[] {
  return rows.map((row) => {
    const r = row as Record<string, unknown>;
    return {
      month: String(r.usage_month),
      provider: "gcp",
      account: String(r.account) || "(no project)",
      region: String(r.region),
      modelVersion: r.model_version === null || r.model_version === undefined ? null : String(r.model_version),
      serviceKg: num(r.service_kg),
      serviceMarketKg: r.service_market_kg === null || r.service_market_kg === undefined ? null : Number(r.service_market_kg),
      allServicesKg: num(r.all_kg),
    };
  });
}

/** One query job through the client the run uses (its credentials, retries, deadlines and cost guard). */
export async function readGcpCarbon(req: GcpCarbonRequest, months: { since: Month; until: Month }): Promise<ProviderFigures> {
  const [project] = req.table.split(".");
  const jobProject = req.env.GOOGLE_CLOUD_PROJECT || project!;
  const client = createBigQueryClient({ jobProject, location: undefined, env: req.env });
  const sql = gcpCarbonSql(req.table);
  const run = await registerTokens(client, req.redactor)
    .then(() =>
      runQuery(client, { sql, dateParams: { since: `${months.since}-01`, until: `${months.until}-01` }, maximumBytesBilled: DEFAULT_MAXIMUM_BYTES_BILLED, location: undefined }, req.http, req.signal),
    )
    .catch((error: unknown) => {
      throw explainBigQueryError(error, { table: req.table, jobProject, maximumBytesBilled: DEFAULT_MAXIMUM_BYTES_BILLED, redactor: req.redactor });
    });
  return {
    provider: "gcp",
    source: `Carbon Footprint export ${req.table} (job ${run.jobId ?? "?"})`,
    basis: { service: gcpComputeService, scopes: "2", method: "location-based" },
    cells: gcpCarbonCells(run.rows),
    warnings: [],
  };
}
