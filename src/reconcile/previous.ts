import { parse } from "csv-parse/sync";
import { UsageError } from "../errors.js";
import { readRegularFile } from "../io/regular-file.js";
import { cellKey, type PreviousCell } from "./compare.js";

const needed = ["month", "provider", "account", "region", "provider_kg", "model_version"];

/**
 * An earlier reconciliation's CSV (--previous): each cell's model version and provider figure, so that a month the
 * provider has restated since (a new model version, or the same version with another figure) is flagged.
 */
export function readPrevious(path: string, given: string): Map<string, PreviousCell> {
  const text = readRegularFile(path, "--previous", { fix: "give the carbon_reconcile_*.csv an earlier reconcile wrote", maxBytes: 256 * 1024 * 1024, whyCap: "a reconciliation has one row per month × account × region" }).toString("utf8");
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, bom: true }) as Record<string, string>[];
  } catch (err) {
    throw new UsageError(`--previous ${given} is not a CSV: ${String((err as Error).message).split("\n")[0]}`);
  }
  const header = records[0] ? Object.keys(records[0]) : needed;
  const missing = needed.filter((c) => !header.includes(c));
  if (missing.length > 0) throw new UsageError(`--previous ${given} is not a reconcile CSV: no ${missing.join(", ")} column`);
  const out = new Map<string, PreviousCell>();
  for (const r of records) {
    const kg = r.provider_kg === "" || r.provider_kg === undefined ? null : Number(r.provider_kg);
    out.set(cellKey({ month: r.month!, provider: r.provider!, account: r.account!, region: r.region! }), {
      modelVersion: r.model_version ? r.model_version : null,
      providerKg: kg !== null && Number.isFinite(kg) ? kg : null,
    });
  }
  return out;
}
