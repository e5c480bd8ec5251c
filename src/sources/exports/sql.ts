import type { Detected } from "./detect.js";
import type { GroupKey } from "../../attribution/keys.js";
import { tagSql } from "./tags.js";

/**
 * The GPU-hours query over an export, one definition per format (EXPORTS.md §2, §3 and §5). It runs in the engine
 * that holds the data: line items are filtered, typed and summed there, and only the aggregated rows come back.
 *
 * Layers: `usage` keeps the usage rows that are GPU instance time and names their type and purchase option;
 * `per_resource_hour` caps an instance at 1 h per hour (trap 3); the result sums per provider × account × region ×
 * type × UTC day (or hour), with the counts the guards report.
 */

/**
 * What differs between the engines, each difference named once (EXPORTS.md §5): DuckDB embedded for files, Trino
 * (Athena) in place. Everything else in the query is SQL both accept.
 */
export interface Dialect {
  /** A regular-expression test: DuckDB `regexp_matches`, Trino `regexp_like`. */
  matches(text: string, pattern: string): string;
  /** A JSON member as text, null when the cell is not JSON: DuckDB `json_extract_string`, Trino `json_extract_scalar`. */
  jsonText(json: string, key: string): string;
  /** The type a time column is cast to: DuckDB `TIMESTAMPTZ`, Trino `timestamp`. */
  instantType: string;
  /** An array's items joined by commas: DuckDB `array_to_string`, Trino `array_join`. */
  joined(array: string): string;
  /**
   * A tag's value from a tags column, whose name may hold `:`, `-` or spaces: DuckDB reads JSON text and a Parquet MAP
   * alike (`$."name"`); Trino reads JSON text (`$["name"]`).
   */
  jsonTag(column: string, name: string): string;
}

export const duckdbDialect: Dialect = {
  matches: (t, p) => `regexp_matches(${t}, ${p})`,
  jsonText: (j, k) => `TRY(json_extract_string(${j}, '$.${k}'))`,
  instantType: "TIMESTAMPTZ",
  joined: (a) => `array_to_string(${a}, ',')`,
  jsonTag: (c, n) => `TRY(json_extract_string(TRY_CAST(${c} AS JSON), '$."${n}"'))`,
};

export const trinoDialect: Dialect = {
  matches: (t, p) => `regexp_like(${t}, ${p})`,
  jsonText: (j, k) => `TRY(json_extract_scalar(${j}, '$.${k}'))`,
  instantType: "timestamp",
  joined: (a) => `array_join(${a}, ',')`,
  jsonTag: (c, n) => `TRY(json_extract_scalar(CAST(${c} AS VARCHAR), '$["${n}"]'))`,
};

export interface ExportQuery {
  /** The body of the `source` relation, e.g. `SELECT * FROM read_parquet([...])`. */
  source: string;
  detected: Detected;
  dialect: Dialect;
  /**
   * The window's inclusive start and exclusive end as SQL expressions (a checked literal for DuckDB, a `?` bound by
   * ExecutionParameters for Athena), or null to read the data's whole span.
   */
  window: { from: string; to: string } | null;
  granularity: "daily" | "hourly";
  /** --group-by keys: a `tag_<i>` column each (tags.ts); none without them. */
  groupKeys?: readonly GroupKey[];
}

/** A present column, quoted as the data spells it, or a typed null: FOCUS 1.0 lacks 1.1's columns, and so on. */
function column(d: Detected, name: string): string {
  const real = d.columns.get(name.toLowerCase());
  return real === undefined ? "CAST(NULL AS VARCHAR)" : `"${real.replaceAll('"', '""')}"`;
}

const text = (d: Detected, name: string): string => `NULLIF(CAST(${column(d, name)} AS VARCHAR), '')`;
const number = (d: Detected, name: string): string => `TRY_CAST(${column(d, name)} AS DOUBLE)`;
const instant = (q: ExportQuery, name: string): string => `TRY_CAST(${column(q.detected, name)} AS ${q.dialect.instantType})`;

/** The --group-by keys' columns of a usage layer (tags.ts): each a JSON member of the format's tag column. */
const tagColumns = (q: ExportQuery): string =>
  tagSql(q.detected.format, q.groupKeys ?? []).select(
    (name, member) => `NULLIF(${q.dialect.jsonTag(column(q.detected, name), member)}, '')`,
    (column) => q.detected.columns.has(column.toLowerCase()),
  );

/** A JSON member, or null when the cell is absent or not JSON (sample files hold odd text). */
const jsonMember = (q: ExportQuery, name: string, key: string): string => `NULLIF(${q.dialect.jsonText(text(q.detected, name), key)}, '')`;

/** The type after the last `:` of a usage type or SKU meter (`USE1-SpotUsage:g5.4xlarge`). */
const afterColon = (expr: string): string => `NULLIF(regexp_extract(${expr}, ':([^:]+)$', 1), '')`;

/** GPU families: AWS p, g, gr6, inf, trn, dl (SageMaker with `ml.`), Azure N-series, GCP GPU SKUs. */
export const gpuTypePattern = String.raw`^((ml\.)?(p[0-9]|g[0-9]|gr6|inf[0-9]|trn[0-9]|dl[0-9])[a-z0-9-]*\.[a-z0-9]+|Standard_N[A-Za-z0-9_]+|gcp-gpu:.+)$`;

/**
 * GPU types only, tested on the type alone in an inner query: the other columns of a row are typed and cased only
 * once it is known to be GPU time (one line item in twenty, or fewer, in a real export).
 */
const gpuOnly = (q: ExportQuery): string => `ct_type IS NOT NULL AND ${q.dialect.matches("ct_type", `'${gpuTypePattern}'`)}`;

function focusUsage(q: ExportQuery): string {
  const d = q.detected;
  const unit = `LOWER(${text(d, "ConsumedUnit")})`;
  const provider = `LOWER(COALESCE(${text(d, "ProviderName")}, ''))`;
  // Instance type, first hit wins (EXPORTS.md §4): the meter or usage type, the price details, Azure's SKU
  // details, AWS's description, GCP's GPU SKU description (per GPU, mapped to the catalog's type afterwards).
  const type = `COALESCE(
      ${afterColon(`COALESCE(${text(d, "SkuMeter")}, ${text(d, "x_UsageType")})`)},
      ${jsonMember(q, "SkuPriceDetails", "InstanceType")},
      ${jsonMember(q, "x_SkuDetails", "ServiceType")},
      NULLIF(regexp_extract(${text(d, "ChargeDescription")}, ' ((ml\\.)?[a-z][a-z0-9-]*\\.[0-9a-z]+) Instance Hour', 1), ''),
      CASE WHEN ${q.dialect.matches(`COALESCE(${text(d, "ChargeDescription")}, '')`, "'(?i)nvidia .+ gpu'")}
        THEN 'gcp-gpu:' || UPPER(regexp_extract(${text(d, "ChargeDescription")}, '(?i)nvidia (?:tesla )?(\\S+)', 1)) END)`;
  return `
  SELECT
    CASE WHEN ${provider} LIKE '%amazon%' OR ${provider} = 'aws' THEN 'aws'
         WHEN ${provider} LIKE '%microsoft%' OR ${provider} LIKE '%azure%' THEN 'azure'
         WHEN ${provider} LIKE '%google%' THEN 'gcp' END AS provider,
    COALESCE(${text(d, "SubAccountId")}, ${text(d, "BillingAccountId")}, 'unknown') AS account,
    COALESCE(${text(d, "RegionId")}, 'unknown') AS region,
    ct_type AS instance_type,
    CASE WHEN ${unit} IN ('hours', 'hour', 'hrs', 'hr', 'h') THEN ${number(d, "ConsumedQuantity")}
         WHEN ${unit} IN ('seconds', 'second', 's', 'secs') THEN ${number(d, "ConsumedQuantity")} / 3600 END AS hours,
    ${instant(q, "ChargePeriodStart")} AS usage_start,
    ${instant(q, "ChargePeriodEnd")} AS usage_end,
    ${text(d, "ResourceId")} AS resource,
    CASE ${text(d, "PricingCategory")} WHEN 'Dynamic' THEN 'spot' WHEN 'Committed' THEN 'committed' WHEN 'Standard' THEN 'on-demand'
         ELSE 'other' END AS purchase,
    COALESCE(${text(d, "ChargeClass")} = 'Correction', false) AS correction${tagColumns(q)}
  FROM (SELECT *, ${type} AS ct_type FROM source
    WHERE ${text(d, "ChargeCategory")} = 'Usage'
      AND COALESCE(${text(d, "CommitmentDiscountStatus")}, '') <> 'Unused'
      AND COALESCE(${text(d, "CapacityReservationStatus")}, '') <> 'Unused'
      AND COALESCE(${text(d, "ServiceCategory")}, 'Compute') IN ('Compute', 'AI and Machine Learning')
      AND COALESCE(${text(d, "x_SkuMeterCategory")}, 'Virtual Machines') = 'Virtual Machines') typed
  WHERE ${gpuOnly(q)}`;
}

function curUsage(q: ExportQuery): string {
  const d = q.detected;
  const usageType = text(d, "line_item_usage_type");
  const product = text(d, "line_item_product_code");
  const lineType = text(d, "line_item_line_item_type");
  return `
  SELECT
    'aws' AS provider,
    COALESCE(${text(d, "line_item_usage_account_id")}, 'unknown') AS account,
    COALESCE(${text(d, "product_region_code")}, 'unknown') AS region,
    ct_type AS instance_type,
    ${number(d, "line_item_usage_amount")} AS hours,
    ${instant(q, "line_item_usage_start_date")} AS usage_start,
    ${instant(q, "line_item_usage_end_date")} AS usage_end,
    ${text(d, "line_item_resource_id")} AS resource,
    CASE WHEN ${usageType} LIKE '%SpotUsage%' THEN 'spot'
         WHEN ${lineType} = 'DiscountedUsage' THEN 'reserved'
         WHEN ${lineType} = 'SavingsPlanCoveredUsage' THEN 'savings-plan'
         ELSE 'on-demand' END AS purchase,
    false AS correction${tagColumns(q)}
  FROM (SELECT *, COALESCE(${text(d, "product_instance_type")}, ${afterColon(usageType)}) AS ct_type FROM source
    WHERE ${lineType} IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')
      AND ${product} IN ('AmazonEC2', 'AmazonSageMaker')
      AND (${product} = 'AmazonSageMaker' OR starts_with(COALESCE(${text(d, "line_item_operation")}, 'RunInstances'), 'RunInstances'))
      AND (${product} = 'AmazonSageMaker' OR ${q.dialect.matches(usageType, "'(^|-)(BoxUsage|SpotUsage|DedicatedUsage)(:|$)'")})
      AND NOT ${q.dialect.matches(usageType, "'(UnusedBox|HeavyUsage|DataXfer)'")}
      AND ${text(d, "pricing_unit")} IN ('Hrs', 'Hours', 'Hour')) typed
  WHERE ${gpuOnly(q)}`;
}

/** The whole query; the result's columns are the same in both dialects, times as text (`2026-10-01 00:00:00…`). */
export function gpuHoursSql(q: ExportQuery): string {
  const usage = q.detected.format === "cur2" ? curUsage(q) : focusUsage(q);
  const window = q.window ? `AND usage_start >= ${q.window.from} AND usage_start < ${q.window.to}` : "";
  const grain = q.granularity === "hourly" ? "hour" : "day";
  // The --group-by keys' columns ride along every grouping, after its own columns.
  const tags = tagSql(q.detected.format, q.groupKeys ?? []).names;
  const also = tags.map((t) => `, ${t}`).join("");
  const positions = (first: number): string => tags.map((_, i) => `, ${first + i}`).join("");
  return `
WITH source AS (${q.source}),
usage AS (${usage}),
gpu AS (
  SELECT * FROM usage
  WHERE provider IS NOT NULL AND hours IS NOT NULL AND usage_start IS NOT NULL ${window}
),
per_resource_hour AS (
  SELECT provider, account, region, instance_type, resource, usage_start${also},
    MAX(usage_end) AS usage_end, SUM(hours) AS hours,
    COUNT(*) FILTER (WHERE hours < 0) AS negative_rows,
    COUNT(*) FILTER (WHERE correction) AS corrections,
    array_agg(purchase) AS purchases,
    COUNT(*) AS line_items
  FROM gpu
  GROUP BY 1, 2, 3, 4, 5, 6${positions(7)}
),
capped AS (
  SELECT *,
    CASE WHEN resource IS NOT NULL AND NOT starts_with(instance_type, 'gcp-gpu:') AND hours > 1
          AND usage_end - usage_start <= INTERVAL '1' HOUR THEN 1 ELSE hours END AS kept
  FROM per_resource_hour
)
SELECT provider, account, region, instance_type,
  CAST(date_trunc('${grain}', usage_start) AS VARCHAR) AS period_start${also},
  SUM(kept) AS hours,
  SUM(hours - kept) AS clipped,
  SUM(negative_rows) AS negative_rows,
  SUM(corrections) AS corrections,
  SUM(line_items) AS line_items,
  ${q.dialect.joined("array_sort(array_distinct(flatten(array_agg(purchases))))")} AS purchases
FROM capped
GROUP BY 1, 2, 3, 4, 5${positions(6)}
ORDER BY 1, 2, 3, 4, 5${positions(6)}`;
}
