import { UsageError } from "../../errors.js";

/**
 * The billing export table's full name is interpolated into SQL (BigQuery cannot take a table name as a
 * query parameter), so only names that cannot carry anything else get through: a project id (up to 30
 * lowercase letters, digits, hyphens), a dataset of letters, digits and underscores, and one of the two
 * tables Cloud Billing creates, `gcp_billing_export_v1_<ACCOUNT>` (standard) or
 * `gcp_billing_export_resource_v1_<ACCOUNT>` (detailed), whose account id is hex in underscore-separated
 * groups. No backtick, dot, space or quote can pass.
 */
const EXPORT_TABLE = /^([a-z][a-z0-9-]{0,28}[a-z0-9])\.([A-Za-z0-9_]{1,1024})\.(gcp_billing_export_(?:resource_)?v1_[0-9A-Fa-f]+(?:_[0-9A-Fa-f]+)*)$/;

/**
 * A FOCUS table or view (--focus-table): GCP's own FOCUS export or any table a team loaded, so any table name of
 * letters, digits, underscores and hyphens, under the same project and dataset rules. Quoted in SQL all the same.
 */
const FOCUS_TABLE = /^([a-z][a-z0-9-]{0,28}[a-z0-9])\.([A-Za-z0-9_]{1,1024})\.([A-Za-z0-9_-]{1,1024})$/;

export interface GcpTableName {
  project: string;
  dataset: string;
  table: string;
}

/** Checks `project.dataset.table` before anything runs; returns the name unchanged or throws a UsageError (exit 2). */
export function validateGcpTable(name: string): string {
  if (!EXPORT_TABLE.test(name)) {
    throw new UsageError(
      `gcp table "${name.slice(0, 200)}" is not a billing export table: expected project.dataset.gcp_billing_export_v1_<BILLING_ACCOUNT> ` +
        "or project.dataset.gcp_billing_export_resource_v1_<BILLING_ACCOUNT> (set --gcp-table or gcp.table in the config)",
    );
  }
  return name;
}

/** The validated name's parts: the project is where the query job runs unless GOOGLE_CLOUD_PROJECT says otherwise. */
export function parseGcpTable(name: string): GcpTableName {
  const match = EXPORT_TABLE.exec(validateGcpTable(name));
  const [, project, dataset, table] = match ?? [];
  if (!project || !dataset || !table) throw new UsageError(`gcp table "${name}" could not be parsed`);
  return { project, dataset, table };
}

/** Checks and splits a --focus-table name (`from` names where it was given) before anything runs: exit 2 otherwise. */
export function parseFocusTable(name: string, from: string): GcpTableName {
  const [, project, dataset, table] = FOCUS_TABLE.exec(name) ?? [];
  if (!project || !dataset || !table) {
    throw new UsageError(`${from} "${name.slice(0, 200)}" is not project.dataset.table (a project id, then letters, digits, _ and -)`);
  }
  return { project, dataset, table };
}
