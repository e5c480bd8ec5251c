import { UsageError } from "../../errors.js";

export const exportFormats = ["focus", "cur2"] as const;
export type ExportFormat = (typeof exportFormats)[number];

/** Columns a format cannot be read without; any other column it uses may be absent and reads as null. */
export const requiredColumns: Readonly<Record<ExportFormat, readonly string[]>> = {
  focus: ["ChargeCategory", "ChargePeriodStart", "ChargePeriodEnd", "ConsumedQuantity", "ConsumedUnit"],
  cur2: [
    "line_item_line_item_type",
    "line_item_product_code",
    "line_item_usage_type",
    "line_item_usage_amount",
    "line_item_usage_start_date",
    "line_item_usage_end_date",
    "pricing_unit",
  ],
};

/** Columns used when present (FOCUS 1.1 and 1.2 add some, providers add `x_` ones); null otherwise. */
export const optionalColumns: Readonly<Record<ExportFormat, readonly string[]>> = {
  focus: [
    "ProviderName",
    "SubAccountId",
    "BillingAccountId",
    "RegionId",
    "ResourceId",
    "ServiceCategory",
    "PricingCategory",
    "ChargeClass",
    "ChargeDescription",
    "CommitmentDiscountStatus",
    "CapacityReservationStatus",
    "SkuMeter",
    "SkuPriceDetails",
    "x_UsageType",
    "x_SkuMeterCategory",
    "x_SkuDetails",
  ],
  cur2: ["line_item_operation", "line_item_usage_account_id", "product_region_code", "product_instance_type", "line_item_resource_id"],
};

/** The FOCUS version a column set matches: 1.2 added `BillingAccountType`, 1.1 `CapacityReservationStatus` and `SkuMeter`. */
function focusVersion(has: (c: string) => boolean): string {
  if (has("BillingAccountType") || has("InvoiceId") || has("PricingCurrency")) return "FOCUS 1.2";
  if (has("CapacityReservationStatus") || has("SkuMeter") || has("ServiceSubcategory")) return "FOCUS 1.1";
  return "FOCUS 1.0";
}

export interface Detected {
  format: ExportFormat;
  /** For a person: `FOCUS 1.1`, `CUR 2.0`. */
  label: string;
  /** The present columns, by their lower-case name, as the data spells them. */
  columns: Map<string, string>;
}

/**
 * The format of an export from its columns (names compared without case: CUR CSVs and Athena use lower case).
 * `forced` (--export-format) skips the guess but still needs the format's columns. `what` names the data in messages.
 */
export function detectFormat(names: readonly string[], forced: ExportFormat | null, what: string): Detected {
  const columns = new Map(names.map((n) => [n.toLowerCase(), n]));
  const has = (c: string): boolean => columns.has(c.toLowerCase());
  const missing = (f: ExportFormat): string[] => requiredColumns[f].filter((c) => !has(c));
  const candidates = forced ? [forced] : exportFormats.filter((f) => missing(f).length === 0);
  const format = candidates[0];
  if (format === undefined || missing(format).length > 0) {
    const lacking = forced ? [forced] : [...exportFormats].sort((a, b) => missing(a).length - missing(b).length);
    const detail = lacking.map((f) => `${f === "focus" ? "FOCUS" : "CUR 2.0"} lacks ${missing(f).join(", ")}`).join("; ");
    throw new UsageError(`${what} is ${forced ? "not" : "neither FOCUS nor"} ${forced === "cur2" ? "CUR 2.0" : forced === "focus" ? "FOCUS" : "CUR 2.0"}: ${detail}`);
  }
  return { format, label: format === "cur2" ? "CUR 2.0" : focusVersion(has), columns };
}
