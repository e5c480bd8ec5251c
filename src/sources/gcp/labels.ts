import { tagKeys, type GroupKey } from "../../attribution/keys.js";

/** The SQL pieces that carry --group-by labels through the aggregate query (sql.ts); all empty without them. */
export interface LabelColumns {
  /** In `lines`: one column per key, `label_0`, … */
  select: string;
  /** In `keyed`: the same, NULL for lines that are only counted. */
  keyed: string;
  output: string;
  groupBy: string;
  /** The labels' names as named STRING parameters (@label_0, …): never spliced into the text. */
  params: Record<string, string>;
  /** Output column → the key it holds. */
  columns: Record<string, GroupKey>;
}

/**
 * A label's value on a line: the resource's own labels first (a VM's, a GKE node's goog-k8s-cluster-name), then its
 * project's, then the system labels. Each is a scalar subquery over the line's own array (LIMIT 1: a key appears
 * once per array), so a line stays one line: an UNNEST in the FROM clause would repeat it once per label.
 * A line without the label gets NULL, which the mapping turns into `(untagged)`.
 */
const valueOf = (param: string): string =>
  ["labels", "project.labels", "system_labels"].map((array) => `(SELECT l.value FROM UNNEST(${array}) AS l WHERE l.key = @${param} LIMIT 1)`).join(",\n      ");

export function labelColumns(keys: readonly GroupKey[]): LabelColumns {
  const labels = tagKeys(keys).filter((k) => k.kind === "tag");
  const names = labels.map((_, i) => `label_${i}`);
  return {
    select: names.map((n) => `,\n    COALESCE(\n      ${valueOf(n)}\n    ) AS ${n}`).join(""),
    keyed: names.map((n) => `,\n    IF(kind = 'other', NULL, ${n}) AS ${n}`).join(""),
    output: names.map((n) => `,\n  ${n}`).join(""),
    groupBy: names.map((n) => `, ${n}`).join(""),
    params: Object.fromEntries(labels.map((k, i) => [names[i]!, k.names.gcp])),
    columns: Object.fromEntries(labels.map((k, i) => [names[i]!, k])),
  };
}
