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
 * (Athena) and GoogleSQL (BigQuery) in place. Everything else in the query is SQL all three accept.
 */
export interface Dialect {
  /** A regular-expression test: DuckDB `regexp_matches`, Trino `regexp_like`, GoogleSQL `REGEXP_CONTAINS`. */
  matches(text: string, pattern: string): string;
  /** A JSON member as text, null when the cell is not JSON: DuckDB `json_extract_string`, Trino `json_extract_scalar`. */
  jsonText(json: string, key: string): string;
  /** The type a time column is cast to: DuckDB `TIMESTAMPTZ`, Trino `timestamp`. */
  instantType: string;
  // The differences below are GoogleSQL's; DuckDB and Trino write them alike (`standardSql`).
  /** A quoted column name: `"name"`; GoogleSQL quotes with backticks (a double-quoted word is a string there). */
  ident(name: string): string;
  /** The text type: `VARCHAR`; GoogleSQL `STRING`. */
  textType: string;
  /** The floating-point type: `DOUBLE`; GoogleSQL `FLOAT64`. */
  numberType: string;
  /** A cast that gives null instead of failing: `TRY_CAST`; GoogleSQL `SAFE_CAST`. */
  tryCast: string;
  /** A regular expression as a literal: `'…'`; GoogleSQL `r'…'` (its plain strings read `\.` as an escape). */
  pattern(regex: string): string;
  /** The first group of a match: `regexp_extract(t, p, 1)`; GoogleSQL `REGEXP_EXTRACT(t, p)` (one group only). */
  extract(text: string, pattern: string): string;
  /**
   * The text after the last `:`, or null without one (`USE1-SpotUsage:g5.4xlarge`): a one-group regular expression,
   * except in DuckDB, where `split_part` does it without a capture: it runs on every line item, and there a capture
   * costs several times a split (docs/exports.md, "Cost"). Athena and BigQuery bill bytes, not time.
   */
  afterColon(text: string): string;
  /** Rows of a group meeting a condition: `COUNT(*) FILTER (WHERE c)`; GoogleSQL `COUNTIF(c)`. */
  countIf(condition: string): string;
  /**
   * A group's purchase options, then the union of those of several groups as comma-joined text: DuckDB
   * `array_to_string`, Trino `array_join` of the flattened arrays. GoogleSQL has no array of arrays: it joins
   * distinct texts twice, and a name may repeat in the result (rows.ts keeps each once).
   */
  collect(value: string): string;
  collected(values: string): string;
  /** Whether a line item spans at most one hour: `end - start <= INTERVAL '1' HOUR`; GoogleSQL `TIMESTAMP_DIFF`. */
  atMostAnHour(start: string, end: string): string;
  /** The UTC day or hour an instant falls in, as text `YYYY-MM-DD hh:mm:ss…`: `date_trunc`; GoogleSQL `TIMESTAMP_TRUNC`. */
  periodText(grain: "day" | "hour", instant: string): string;
  /**
   * A tag's value from a tags column, whose name may hold `:`, `-` or spaces: DuckDB reads JSON text and a Parquet MAP
   * alike (`$."name"`); Trino reads JSON text (`$["name"]`).
   */
  jsonTag(column: string, name: string): string;
  /**
   * `usage AS …`: DuckDB `MATERIALIZED ` (with its `cte_filter_pusher` off, read.ts), which keeps the later layers'
   * tests (hours, start, provider) above the GPU-type test; without it DuckDB pushes them below, onto every line item.
   * Trino and GoogleSQL have no such word.
   */
  usageCte: string;
}

/** What DuckDB and Trino write alike. */
const standardSql = {
  ident: (name: string) => `"${name.replaceAll('"', '""')}"`,
  textType: "VARCHAR",
  numberType: "DOUBLE",
  tryCast: "TRY_CAST",
  pattern: (regex: string) => `'${regex}'`,
  extract: (t: string, p: string) => `regexp_extract(${t}, ${p}, 1)`,
  afterColon: (t: string) => standardSql.extract(t, standardSql.pattern(":([^:]+)$")),
  countIf: (c: string) => `COUNT(*) FILTER (WHERE ${c})`,
  collect: (v: string) => `array_agg(${v})`,
  atMostAnHour: (s: string, e: string) => `${e} - ${s} <= INTERVAL '1' HOUR`,
  periodText: (grain: "day" | "hour", t: string) => `CAST(date_trunc('${grain}', ${t}) AS VARCHAR)`,
  usageCte: "",
};

const distinctFlattened = (values: string): string => `array_sort(array_distinct(flatten(array_agg(${values}))))`;

export const duckdbDialect: Dialect = {
  ...standardSql,
  afterColon: (t) => `CASE WHEN contains(${t}, ':') THEN split_part(${t}, ':', -1) END`,
  matches: (t, p) => `regexp_matches(${t}, ${p})`,
  jsonText: (j, k) => `TRY(json_extract_string(${j}, '$.${k}'))`,
  instantType: "TIMESTAMPTZ",
  collected: (v) => `array_to_string(${distinctFlattened(v)}, ',')`,
  jsonTag: (c, n) => `TRY(json_extract_string(TRY_CAST(${c} AS JSON), '$."${n}"'))`,
  usageCte: "MATERIALIZED ",
};

export const trinoDialect: Dialect = {
  ...standardSql,
  matches: (t, p) => `regexp_like(${t}, ${p})`,
  jsonText: (j, k) => `TRY(json_extract_scalar(${j}, '$.${k}'))`,
  instantType: "timestamp",
  collected: (v) => `array_join(${distinctFlattened(v)}, ',')`,
  jsonTag: (c, n) => `TRY(json_extract_scalar(CAST(${c} AS VARCHAR), '$["${n}"]'))`,
};

/**
 * BigQuery's GoogleSQL. Column names come from the table's schema (letters, digits, underscores), so backticks
 * cannot occur in them; the patterns of this module hold no quote.
 */
export const googleSqlDialect: Dialect = {
  matches: (t, p) => `REGEXP_CONTAINS(${t}, ${p})`,
  jsonText: (j, k) => `SAFE.JSON_VALUE(${j}, '$.${k}')`,
  instantType: "TIMESTAMP",
  ident: (name) => `\`${name}\``,
  textType: "STRING",
  numberType: "FLOAT64",
  tryCast: "SAFE_CAST",
  pattern: (regex) => `r'${regex}'`,
  extract: (t, p) => `REGEXP_EXTRACT(${t}, ${p})`,
  afterColon: (t) => `REGEXP_EXTRACT(${t}, r':([^:]+)$')`,
  countIf: (c) => `COUNTIF(${c})`,
  collect: (v) => `STRING_AGG(DISTINCT ${v})`,
  collected: (v) => `STRING_AGG(DISTINCT ${v})`,
  atMostAnHour: (s, e) => `TIMESTAMP_DIFF(${e}, ${s}, SECOND) <= 3600`,
  periodText: (grain, t) => `FORMAT_TIMESTAMP('%F %T', TIMESTAMP_TRUNC(${t}, ${grain.toUpperCase()}), 'UTC')`,
  // JSON text (focus-table.ts turns JSON columns into text); a quoted JSONPath member holds any character but `"`.
  jsonTag: (c, n) => `SAFE.JSON_VALUE(CAST(${c} AS STRING), '$."${n}"')`,
  usageCte: "",
};

export interface ExportQuery {
  /** The body of the `source` relation, e.g. `SELECT * FROM read_parquet([...])`. */
  source: string;
  detected: Detected;
  dialect: Dialect;
  /**
   * The window's inclusive start and exclusive end as SQL expressions (a checked literal for DuckDB, a `?` bound by
   * ExecutionParameters for Athena, an expression of named parameters for BigQuery), or null to read the data's
   * whole span.
   */
  window: { from: string; to: string } | null;
  granularity: "daily" | "hourly";
  /** --group-by keys: a `tag_<i>` column each (tags.ts); none without them. */
  groupKeys?: readonly GroupKey[];
}

/** A present column, quoted as the data spells it, or a typed null: FOCUS 1.0 lacks 1.1's columns, and so on. */
function column(q: ExportQuery, name: string): string {
  const real = q.detected.columns.get(name.toLowerCase());
  return real === undefined ? `CAST(NULL AS ${q.dialect.textType})` : q.dialect.ident(real);
}

const text = (q: ExportQuery, name: string): string => `NULLIF(CAST(${column(q, name)} AS ${q.dialect.textType}), '')`;
const number = (q: ExportQuery, name: string): string => `${q.dialect.tryCast}(${column(q, name)} AS ${q.dialect.numberType})`;
const instant = (q: ExportQuery, name: string): string => `${q.dialect.tryCast}(${column(q, name)} AS ${q.dialect.instantType})`;

/** The --group-by keys' columns of a usage layer (tags.ts): each a JSON member of the format's tag column. */
const tagColumns = (q: ExportQuery): string =>
  tagSql(q.detected.format, q.groupKeys ?? []).select(
    (name, member) => `NULLIF(${q.dialect.jsonTag(column(q, name), member)}, '')`,
    (column) => q.detected.columns.has(column.toLowerCase()),
  );

/**
 * A JSON member, or null when the cell is absent or not JSON (sample files hold odd text). The text is parsed only
 * when it names the key: a guard written as a CASE, which DuckDB neither evaluates on rows it rejects nor hoists.
 */
const jsonMember = (q: ExportQuery, name: string, key: string): string =>
  `CASE WHEN ${text(q, name)} LIKE '%${key}%' THEN NULLIF(${q.dialect.jsonText(text(q, name), key)}, '') END`;

/** The type after the last `:` of a usage type or SKU meter (`USE1-SpotUsage:g5.4xlarge`). */
const afterColon = (q: ExportQuery, expr: string): string => `NULLIF(${q.dialect.afterColon(expr)}, '')`;

/** GPU families: AWS p, g, gr6, inf, trn, dl (SageMaker with `ml.`), Azure N-series, GCP GPU SKUs. */
export const gpuTypePattern = String.raw`^((ml\.)?(p[0-9]|g[0-9]|gr6|inf[0-9]|trn[0-9]|dl[0-9])[a-z0-9-]*\.[a-z0-9]+|Standard_N[A-Za-z0-9_]+|gcp-gpu:.+)$`;

/**
 * GPU types only, tested on the type alone in an inner query: the other columns of a row are typed and cased only
 * once it is known to be GPU time (one line item in twenty, or fewer, in a real export). A null type fails the test
 * by itself; a separate `IS NOT NULL` would be pushed below the type's projection by DuckDB, which then computes the
 * type twice on every line item.
 */
const gpuOnly = (q: ExportQuery): string => q.dialect.matches("ct_type", q.dialect.pattern(gpuTypePattern));

/**
 * The window on a line item's start, among the first tests of the usage layer: there the engine can take it into the
 * file scan (DuckDB pushes it into the Parquet reader), where the later layers are kept from it.
 */
const inWindow = (q: ExportQuery, start: string): string => (q.window ? `\n      AND ${start} >= ${q.window.from} AND ${start} < ${q.window.to}` : "");

function focusUsage(q: ExportQuery): string {
  const unit = `LOWER(${text(q, "ConsumedUnit")})`;
  const provider = `LOWER(COALESCE(${text(q, "ProviderName")}, ''))`;
  // Instance type, first hit wins (EXPORTS.md §4): the meter or usage type, the price details, Azure's SKU
  // details, AWS's description, GCP's GPU SKU description (per GPU, mapped to the catalog's type afterwards).
  const type = `COALESCE(
      ${afterColon(q, `COALESCE(${text(q, "SkuMeter")}, ${text(q, "x_UsageType")})`)},
      ${jsonMember(q, "SkuPriceDetails", "InstanceType")},
      ${jsonMember(q, "x_SkuDetails", "ServiceType")},
      CASE WHEN ${text(q, "ChargeDescription")} LIKE '% Instance Hour%'
        THEN NULLIF(${q.dialect.extract(text(q, "ChargeDescription"), q.dialect.pattern(String.raw` ((?:ml\.)?[a-z][a-z0-9-]*\.[0-9a-z]+) Instance Hour`))}, '') END,
      CASE WHEN ${q.dialect.matches(`COALESCE(${text(q, "ChargeDescription")}, '')`, q.dialect.pattern("(?i)nvidia .+ gpu"))}
        THEN 'gcp-gpu:' || UPPER(${q.dialect.extract(text(q, "ChargeDescription"), q.dialect.pattern(String.raw`(?i)nvidia (?:tesla )?(\S+)`))}) END)`;
  return `
  SELECT
    CASE WHEN ${provider} LIKE '%amazon%' OR ${provider} = 'aws' THEN 'aws'
         WHEN ${provider} LIKE '%microsoft%' OR ${provider} LIKE '%azure%' THEN 'azure'
         WHEN ${provider} LIKE '%google%' THEN 'gcp' END AS provider,
    COALESCE(${text(q, "SubAccountId")}, ${text(q, "BillingAccountId")}, 'unknown') AS account,
    COALESCE(${text(q, "RegionId")}, 'unknown') AS region,
    ct_type AS instance_type,
    CASE WHEN ${unit} IN ('hours', 'hour', 'hrs', 'hr', 'h') THEN ${number(q, "ConsumedQuantity")}
         WHEN ${unit} IN ('seconds', 'second', 's', 'secs') THEN ${number(q, "ConsumedQuantity")} / 3600 END AS hours,
    ${instant(q, "ChargePeriodStart")} AS usage_start,
    ${instant(q, "ChargePeriodEnd")} AS usage_end,
    ${text(q, "ResourceId")} AS resource,
    CASE ${text(q, "PricingCategory")} WHEN 'Dynamic' THEN 'spot' WHEN 'Committed' THEN 'committed' WHEN 'Standard' THEN 'on-demand'
         ELSE 'other' END AS purchase,
    COALESCE(${text(q, "ChargeClass")} = 'Correction', false) AS correction${tagColumns(q)}
  FROM (SELECT *, ${type} AS ct_type FROM source
    WHERE ${text(q, "ChargeCategory")} = 'Usage'
      AND COALESCE(${text(q, "CommitmentDiscountStatus")}, '') <> 'Unused'
      AND COALESCE(${text(q, "CapacityReservationStatus")}, '') <> 'Unused'
      AND COALESCE(${text(q, "ServiceCategory")}, 'Compute') IN ('Compute', 'AI and Machine Learning')
      AND COALESCE(${text(q, "x_SkuMeterCategory")}, 'Virtual Machines') = 'Virtual Machines'${inWindow(q, instant(q, "ChargePeriodStart"))}) typed
  WHERE ${gpuOnly(q)}`;
}

function curUsage(q: ExportQuery): string {
  const usageType = text(q, "line_item_usage_type");
  const product = text(q, "line_item_product_code");
  const lineType = text(q, "line_item_line_item_type");
  return `
  SELECT
    'aws' AS provider,
    COALESCE(${text(q, "line_item_usage_account_id")}, 'unknown') AS account,
    COALESCE(${text(q, "product_region_code")}, 'unknown') AS region,
    ct_type AS instance_type,
    ${number(q, "line_item_usage_amount")} AS hours,
    ${instant(q, "line_item_usage_start_date")} AS usage_start,
    ${instant(q, "line_item_usage_end_date")} AS usage_end,
    ${text(q, "line_item_resource_id")} AS resource,
    CASE WHEN ${usageType} LIKE '%SpotUsage%' THEN 'spot'
         WHEN ${lineType} = 'DiscountedUsage' THEN 'reserved'
         WHEN ${lineType} = 'SavingsPlanCoveredUsage' THEN 'savings-plan'
         ELSE 'on-demand' END AS purchase,
    false AS correction${tagColumns(q)}
  FROM (SELECT *, COALESCE(${text(q, "product_instance_type")}, ${afterColon(q, usageType)}) AS ct_type FROM source
    WHERE ${lineType} IN ('Usage', 'DiscountedUsage', 'SavingsPlanCoveredUsage')
      AND ${product} IN ('AmazonEC2', 'AmazonSageMaker')
      AND (${product} = 'AmazonSageMaker' OR starts_with(COALESCE(${text(q, "line_item_operation")}, 'RunInstances'), 'RunInstances'))
      AND (${product} = 'AmazonSageMaker' OR ${q.dialect.matches(usageType, q.dialect.pattern("(^|-)(BoxUsage|SpotUsage|DedicatedUsage)(:|$)"))})
      AND NOT ${q.dialect.matches(usageType, q.dialect.pattern("(UnusedBox|HeavyUsage|DataXfer)"))}
      AND ${text(q, "pricing_unit")} IN ('Hrs', 'Hours', 'Hour')${inWindow(q, instant(q, "line_item_usage_start_date"))}) typed
  WHERE ${gpuOnly(q)}`;
}

/** The whole query; the result's columns are the same in every dialect, times as text (`2026-10-01 00:00:00…`). */
export function gpuHoursSql(q: ExportQuery): string {
  const usage = q.detected.format === "cur2" ? curUsage(q) : focusUsage(q);
  const grain = q.granularity === "hourly" ? "hour" : "day";
  // The --group-by keys' columns ride along every grouping, after its own columns.
  const tags = tagSql(q.detected.format, q.groupKeys ?? []).names;
  const also = tags.map((t) => `, ${t}`).join("");
  const positions = (first: number): string => tags.map((_, i) => `, ${first + i}`).join("");
  return `
WITH source AS (${q.source}),
usage AS ${q.dialect.usageCte}(${usage}),
gpu AS (
  SELECT * FROM usage
  WHERE provider IS NOT NULL AND hours IS NOT NULL AND usage_start IS NOT NULL
),
per_resource_hour AS (
  SELECT provider, account, region, instance_type, resource, usage_start${also},
    MAX(usage_end) AS usage_end, SUM(hours) AS hours,
    ${q.dialect.countIf("hours < 0")} AS negative_rows,
    ${q.dialect.countIf("correction")} AS corrections,
    ${q.dialect.collect("purchase")} AS purchases,
    COUNT(*) AS line_items
  FROM gpu
  GROUP BY 1, 2, 3, 4, 5, 6${positions(7)}
),
capped AS (
  SELECT *,
    CASE WHEN resource IS NOT NULL AND NOT starts_with(instance_type, 'gcp-gpu:') AND hours > 1
          AND ${q.dialect.atMostAnHour("usage_start", "usage_end")} THEN 1 ELSE hours END AS kept
  FROM per_resource_hour
)
SELECT provider, account, region, instance_type,
  ${q.dialect.periodText(grain, "usage_start")} AS period_start${also},
  SUM(kept) AS hours,
  SUM(hours - kept) AS clipped,
  SUM(negative_rows) AS negative_rows,
  SUM(corrections) AS corrections,
  SUM(line_items) AS line_items,
  ${q.dialect.collected("purchases")} AS purchases
FROM capped
GROUP BY 1, 2, 3, 4, 5${positions(6)}
ORDER BY 1, 2, 3, 4, 5${positions(6)}`;
}
