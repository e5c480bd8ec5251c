import type { UsageWindow } from "../types.js";
import { ACCELERATOR_MACHINE_FAMILIES, ATTACHED_GPU_TYPES, N1_MACHINE } from "./skus.js";
import { labelColumns } from "./labels.js";
import type { GroupKey } from "../../attribution/keys.js";

/**
 * The export is partitioned by day on `_PARTITIONTIME`, which follows the export, not the usage: a line for
 * day D lands in D's partition or, when exported late, in a later one. Reading one day before and a few days
 * after the window keeps late lines while still pruning the rest of the table.
 */
export const PARTITION_DAYS_BEFORE = 1;
export const PARTITION_DAYS_AFTER = 5;
/** Lines keep arriving for a few days after use: periods this recent are marked `estimated`. */
export const ESTIMATED_WITHIN_HOURS = 72;

export interface GpuUsageQuery {
  sql: string;
  /** Named DATE parameters: the window's first and last UTC day, both inclusive. */
  dateParams: { since: string; until: string };
  /** Named STRING parameters: the --group-by labels' names (labels.ts); empty without them. */
  stringParams: Record<string, string>;
}

/**
 * The line classifiers, as RE2 patterns matched case-insensitively. Exported so tests can run them over
 * realistic SKU descriptions (RE2 and JavaScript agree on these constructs).
 */
export const SKU_PATTERNS = {
  /** Never usage: purchased-capacity fees and the per-GPU vWS licence billed beside the GPU line. */
  excluded: String.raw`commitment|virtual workstation`,
  /** The machine type label of an accelerator-optimized VM. */
  acceleratorMachine: `^(${ACCELERATOR_MACHINE_FAMILIES.join("|")})-`,
  /** The machine type label of an N1 VM, the host attached GPUs run on. */
  n1Machine: N1_MACHINE,
  /** Core lines (`A2 Instance Core running in Americas`, `Spot Preemptible A3 Instance Core …`). */
  instanceCore: String.raw`\binstance core\b`,
  /** Licence lines carry the machine label and seconds too. */
  licence: String.raw`licen[cs]`,
  /** A GPU attached to an N1 machine; the group is the model. */
  attachedGpu: String.raw`\bnvidia tesla (${Object.keys(ATTACHED_GPU_TYPES).join("|")}) gpu\b`,
} as const;

const BUCKET: Record<UsageWindow["granularity"], "DAY" | "HOUR"> = { daily: "DAY", hourly: "HOUR" };

/**
 * One aggregate query over the billing export. Only two things are spliced into the text: the table name,
 * which validateGcpTable has reduced to letters, digits, hyphens, underscores and two dots, and constants
 * of this module. Dates travel as the named parameters @since and @until.
 */
export function buildGpuUsageQuery(table: string, window: UsageWindow, groupKeys: readonly GroupKey[] = []): GpuUsageQuery {
  const p = SKU_PATTERNS;
  const labels = labelColumns(groupKeys);
  const sql = String.raw`-- carbon-track: GPU usage from the Cloud Billing export (docs/gcp.md)
WITH lines AS (
  SELECT
    usage_start_time,
    project.id AS project_id,
    location.region AS region,
    sku.description AS sku_description,
    usage.unit AS usage_unit,
    usage.amount AS usage_amount,
    (SELECT l.value FROM UNNEST(system_labels) AS l WHERE l.key = 'compute.googleapis.com/machine_spec' LIMIT 1) AS machine_spec,
    (SELECT SAFE_CAST(l.value AS INT64) FROM UNNEST(system_labels) AS l WHERE l.key = 'compute.googleapis.com/cores' LIMIT 1) AS cores${labels.select}
  FROM ${"`"}${table}${"`"}
  WHERE _PARTITIONTIME >= TIMESTAMP(DATE_SUB(@since, INTERVAL ${PARTITION_DAYS_BEFORE} DAY))
    AND _PARTITIONTIME < TIMESTAMP(DATE_ADD(@until, INTERVAL ${PARTITION_DAYS_AFTER + 1} DAY))
    AND usage_start_time >= TIMESTAMP(@since)
    AND usage_start_time < TIMESTAMP(DATE_ADD(@until, INTERVAL 1 DAY))
    AND cost_type = 'regular'
    AND service.description = 'Compute Engine'
    AND NOT REGEXP_CONTAINS(sku.description, r'(?i)${p.excluded}')
),
classified AS (
  SELECT
    *,
    CASE
      WHEN usage_unit = 'seconds'
        AND REGEXP_CONTAINS(machine_spec, r'${p.acceleratorMachine}')
        AND REGEXP_CONTAINS(sku_description, r'(?i)${p.instanceCore}')
        AND NOT REGEXP_CONTAINS(sku_description, r'(?i)${p.licence}')
        THEN 'machine'
      WHEN usage_unit = 'seconds' AND REGEXP_CONTAINS(sku_description, r'(?i)${p.attachedGpu}') THEN 'gpu'
      -- N1 core lines: the hosts of attached GPUs among them are picked out per project, region and period (rows.ts).
      WHEN usage_unit = 'seconds'
        AND REGEXP_CONTAINS(machine_spec, r'${p.n1Machine}')
        AND REGEXP_CONTAINS(sku_description, r'(?i)${p.instanceCore}')
        AND NOT REGEXP_CONTAINS(sku_description, r'(?i)${p.licence}')
        THEN 'n1'
      ELSE 'other'
    END AS kind
  FROM lines
),
keyed AS (
  SELECT
    kind,
    IF(kind = 'other', NULL, FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%SZ', TIMESTAMP_TRUNC(usage_start_time, ${BUCKET[window.granularity]}))) AS bucket,
    IF(kind = 'other', NULL, project_id) AS account,
    IF(kind = 'other', NULL, region) AS location_region,
    CASE kind
      WHEN 'machine' THEN machine_spec
      WHEN 'n1' THEN machine_spec
      WHEN 'gpu' THEN UPPER(REGEXP_EXTRACT(sku_description, r'(?i)${p.attachedGpu}'))
    END AS usage_type,
    -- Other lines are only counted; their amounts are in mixed units.
    IF(kind = 'other', 0, usage_amount) AS usage_amount,
    cores,
    usage_start_time >= TIMESTAMP_SUB(CURRENT_TIMESTAMP(), INTERVAL ${ESTIMATED_WITHIN_HOURS} HOUR) AS is_recent${labels.keyed}
  FROM classified
)
SELECT
  kind,
  bucket AS period_start,
  account AS project_id,
  location_region AS region,
  usage_type AS type,
  CAST(SUM(usage_amount) AS FLOAT64) AS usage_seconds,
  MAX(cores) AS cores,
  LOGICAL_OR(is_recent) AS recent,
  COUNT(*) AS line_count${labels.output}
FROM keyed
GROUP BY kind, bucket, account, location_region, usage_type${labels.groupBy}
`;
  return { sql, dateParams: { since: window.since, until: window.until }, stringParams: labels.params };
}
