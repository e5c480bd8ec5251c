import type { ProviderId } from "../schema.js";

/**
 * The records of a reconciliation: carbon-track's location-based GPU figure and a provider's own figure for the same
 * month × account × region, and the row that puts them side by side (docs/reconciliation.md explains every field).
 */

/** A month as `YYYY-MM`. */
export type Month = string;

/** carbon-track's side of one cell: the location-based CO2e of its GPU rows. */
export interface GpuCell {
  month: Month;
  provider: ProviderId;
  account: string;
  region: string;
  co2eLocationKg: number;
  /** Rows in the cell without a location-based figure (an instance type the catalog does not know). */
  unestimatedRows: number;
}

/** A provider's own figures for one cell under one model version, in kg CO2e. */
export interface ProviderCell {
  month: Month;
  provider: ProviderId;
  account: string;
  region: string;
  /** The provider's carbon model version; null where the source has none (Azure). */
  modelVersion: string | null;
  /** The compute service the GPUs are billed under, on the basis the source states (ProviderBasis). */
  serviceKg: number;
  /** The same service, market-based; null where the source gives none. */
  serviceMarketKg: number | null;
  /** Every service of the account in that region, on the same basis. */
  allServicesKg: number;
}

/** What a provider's compared figure covers: which service, which scopes, which method. */
export interface ProviderBasis {
  service: string;
  scopes: string;
  method: "location-based" | "not stated";
}

/** One provider's figures as a source read them. */
export interface ProviderFigures {
  provider: ProviderId;
  /** Where they came from, e.g. `aws CARBON_EMISSIONS export (3 files)`. */
  source: string;
  basis: ProviderBasis;
  cells: ProviderCell[];
  warnings: string[];
}

/** Model-version flags (docs/reconciliation.md, "Model versions"). */
export type ModelFlag = "restated" | "changed" | "changed-since-previous" | "revised-since-previous";

export interface ReconRow {
  month: Month;
  provider: ProviderId;
  account: string;
  region: string;
  gpuLocationKg: number | null;
  providerKg: number | null;
  /** gpuLocationKg ÷ providerKg; null when either is missing or the provider's figure is zero. */
  ratio: number | null;
  basis: ProviderBasis;
  providerMarketKg: number | null;
  providerAllServicesKg: number | null;
  modelVersion: string | null;
  modelFlags: ModelFlag[];
  reasons: string[];
}

/** The months from `since` to `until`, both inclusive. */
export function monthsBetween(since: Month, until: Month): Month[] {
  const out: Month[] = [];
  let [y, m] = since.split("-").map(Number) as [number, number];
  for (;;) {
    const month = `${y}-${String(m).padStart(2, "0")}`;
    if (month > until) return out;
    out.push(month);
    m += 1;
    if (m === 13) [y, m] = [y + 1, 1];
  }
}

/** The first and last day of a month, `YYYY-MM-DD`. */
export function monthDays(month: Month): { first: string; last: string } {
  const [y, m] = month.split("-").map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { first: `${month}-01`, last: `${month}-${String(last).padStart(2, "0")}` };
}

/** Metric tonnes (AWS's MTCO2e) to kilograms. */
export const tonnesToKg = (tonnes: number): number => tonnes * 1000;
