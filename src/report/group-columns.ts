import type { GroupKey } from "../attribution/keys.js";
import type { AttributedKey } from "../calc/attribution.js";
import type { Group } from "../calc/summary.js";
import type { CarbonRecord } from "../schema.js";
import { groupValue } from "../attribution/keys.js";
import { detailColumns, summaryColumns, type Column } from "./columns.js";
import { neutralizeText } from "./csv-safe.js";

const describe = (k: GroupKey): string =>
  k.kind === "account"
    ? "the account (AWS account id, Azure subscription id, GCP project id)"
    : `${k.kind === "tag" ? "tag or label" : "AWS cost category"} ${k.name} (--group-by ${k.id}); (untagged) when the usage does not carry it`;

const keyColumn = <T>(k: GroupKey, get: (row: T) => string): Column<T> => ({
  header: k.column,
  type: "string",
  description: describe(k),
  cell: (row) => neutralizeText(get(row)),
});

/**
 * The detail file's columns for a run that groups: the usual ones, then one per key, appended so that readers of the
 * default layout keep their positions. `account` is a detail column already: it adds none.
 */
export function groupedDetailColumns(keys: readonly GroupKey[]): Column<CarbonRecord>[] {
  const added = keys.filter((k) => k.kind !== "account").map((k) => keyColumn<CarbonRecord>(k, (r) => groupValue(r, k)));
  return added.length === 0 ? detailColumns : [...detailColumns, ...added];
}

/** The summary file at the grain provider × region × instance type × every key's value: key columns after the type. */
export function groupedSummaryColumns(keys: readonly GroupKey[]): Column<Group<AttributedKey>>[] {
  const [provider, region, type, ...figures] = summaryColumns;
  const added = keys.map((k) => keyColumn<Group<AttributedKey>>(k, (g) => g.key.values[k.id] ?? ""));
  return [provider!, region!, type!, ...added, ...figures];
}
