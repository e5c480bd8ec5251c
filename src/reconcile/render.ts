import type { Column } from "../report/columns.js";
import { neutralizeText } from "../report/csv-safe.js";
import { toCsv } from "../report/csv.js";
import { fitTable, type FitColumn, type FitStyle } from "../report/fit-table.js";
import { compact, plainDecimal } from "../report/numbers.js";
import { sanitizeLine } from "../text/sanitize.js";
import type { ReconRow } from "./model.js";

/** The reconciliation's CSV columns; docs/reconciliation.md explains each one. */
const text = (header: string, description: string, get: (r: ReconRow) => string | null): Column<ReconRow> => ({
  header,
  type: "string",
  description,
  cell: (r) => neutralizeText(get(r) ?? ""),
});
const kg = (header: string, description: string, get: (r: ReconRow) => number | null): Column<ReconRow> => ({
  header,
  type: "number",
  decimals: 3,
  unit: "kg",
  description,
  cell: (r) => {
    const v = get(r);
    return v === null ? "" : plainDecimal(v, 3);
  },
});

export const reconColumns: readonly Column<ReconRow>[] = [
  text("month", "the UTC calendar month, YYYY-MM", (r) => r.month),
  text("provider", "aws, azure or gcp", (r) => r.provider),
  text("account", "AWS account, Azure subscription or GCP project", (r) => r.account),
  text("region", "the provider's region code", (r) => r.region),
  kg("gpu_location_kg", "carbon-track's location-based CO2e of the GPU rows in the cell", (r) => r.gpuLocationKg),
  kg("provider_kg", "the provider's own figure for the compute service in the cell (provider_service, provider_scopes, provider_method)", (r) => r.providerKg),
  { header: "ratio", type: "number", decimals: 4, description: "gpu_location_kg ÷ provider_kg", cell: (r) => (r.ratio === null ? "" : plainDecimal(r.ratio, 4)) },
  text("provider_service", "the service(s) provider_kg covers", (r) => r.basis.service),
  text("provider_scopes", "the GHG Protocol scopes provider_kg covers", (r) => r.basis.scopes),
  text("provider_method", "location-based, or not stated", (r) => r.basis.method),
  kg("provider_market_kg", "the same service and scopes, market-based (where the provider gives it)", (r) => r.providerMarketKg),
  kg("provider_all_services_kg", "every service of the account in the region, on provider_kg's basis", (r) => r.providerAllServicesKg),
  text("model_version", "the provider's carbon model version of the month (the newest it was reported under)", (r) => r.modelVersion),
  text("model_flag", "restated, changed, changed-since-previous, revised-since-previous; ';'-separated", (r) => r.modelFlags.join(";")),
  text("reasons", "why the two figures differ; ';'-separated codes (docs/reconciliation.md)", (r) => r.reasons.join(";")),
];

export const reconCsv = (rows: readonly ReconRow[]): string => toCsv(reconColumns, rows);

const ratioText = (r: ReconRow): string => (r.ratio === null ? "-" : r.ratio >= 10 ? r.ratio.toFixed(1) : r.ratio.toFixed(3));
const figure = (v: number | null): string => (v === null ? "-" : compact(v));

const tableColumns: FitColumn[] = [
  { head: "Month", align: "left" },
  { head: "Provider", align: "left" },
  { head: "Account", align: "left", minWidth: 12 },
  { head: "Region", align: "left", minWidth: 9 },
  { head: "GPU kg (LBM)", align: "right" },
  { head: "Provider kg", align: "right" },
  { head: "Ratio", align: "right" },
  { head: "Scopes", align: "left", dropRank: 1 },
  { head: "Model", align: "left", dropRank: 2 },
  { head: "Model flag", align: "left", minWidth: 8 },
  { head: "Reasons", align: "left", minWidth: 16 },
];

/** The terminal table: fitted to the width, text from the providers made safe for a terminal. */
export function reconTable(rows: readonly ReconRow[], width: number | null, style: FitStyle): string {
  const clean = (s: string): string => sanitizeLine(s);
  const cells = rows.map((r) => [
    clean(r.month),
    r.provider,
    clean(r.account),
    clean(r.region),
    figure(r.gpuLocationKg),
    figure(r.providerKg),
    ratioText(r),
    `${r.basis.scopes} (${r.basis.method === "location-based" ? "LBM" : "basis?"})`,
    clean(r.modelVersion ?? "-"),
    r.modelFlags.join(" "),
    // The model flags have their own column.
    r.reasons.filter((x) => !x.startsWith("model-")).join(" "),
  ]);
  return fitTable(tableColumns, cells, width, style);
}

export interface ReconJson {
  schemaVersion: 1;
  months: { since: string; until: string };
  sources: string[];
  rows: ReconRow[];
  warnings: string[];
  failures: string[];
}
