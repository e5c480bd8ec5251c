import { tagKeys, type GroupKey } from "../../attribution/keys.js";
import type { Detected } from "./detect.js";

/**
 * The --group-by keys in the export query (sql.ts): one column `tag_<i>` per key, the value of the tag in the line's
 * JSON tags, null when absent (`(untagged)` in rows.ts). FOCUS holds them in `Tags` (provider tags as written,
 * `{"team": "ml-research"}`); CUR 2.0 in `resource_tags` (user tags prefixed `user_`) and `cost_category`. A key's
 * per-provider aliases are tried in turn: one FOCUS file may hold several clouds.
 *
 * Tag names are spliced into the SQL as JSON path members: the key parser admits letters, digits, spaces and
 * + - = . _ : / @ only, so a name can end neither the string nor the member.
 */
export interface TagSql {
  /** In the usage layer: `, <expr> AS tag_0` for each key. */
  select(jsonOf: (column: string, key: string) => string, present: (column: string) => boolean): string;
  /** The columns, to carry through the groupings: `tag_0, tag_1`. */
  names: string[];
}

/** Where a format holds a key's values, and the member name there. */
function places(format: Detected["format"], key: GroupKey): { column: string; member: string }[] {
  const names = [...new Set(Object.values(key.names))];
  if (format === "cur2") {
    return key.kind === "cost-category" ? names.map((n) => ({ column: "cost_category", member: n })) : names.map((n) => ({ column: "resource_tags", member: `user_${n}` }));
  }
  // FOCUS has no cost categories: such a key is untagged there.
  return key.kind === "cost-category" ? [] : names.map((n) => ({ column: "Tags", member: n }));
}

export function tagSql(format: Detected["format"], keys: readonly GroupKey[]): TagSql {
  const wanted = tagKeys(keys);
  const names = wanted.map((_, i) => `tag_${i}`);
  return {
    names,
    select: (jsonOf, present) =>
      wanted
        .map((k, i) => {
          const found = places(format, k).filter((p) => present(p.column)).map((p) => jsonOf(p.column, p.member));
          return `,\n    ${found.length === 0 ? "CAST(NULL AS VARCHAR)" : found.length === 1 ? found[0] : `COALESCE(${found.join(", ")})`} AS ${names[i]}`;
        })
        .join(""),
  };
}
