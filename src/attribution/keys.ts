import { UsageError } from "../errors.js";
import { providerIds, type ProviderId } from "../schema.js";

/** The value of a key a row does not carry: kept and shown, never dropped (docs/attribution.md). */
export const untagged = "(untagged)";

export type GroupKind = "tag" | "account" | "cost-category";

/**
 * One --group-by key. `id` is the key as given (`tag:team`, `account`, `cost-category:Env`) and names it in a row's
 * `tags`; `column` is its column in the files (`tag_team`); `names` are the tag's names per provider (an alias in
 * the config's `tagAliases`, else `name` itself), which the sources ask for.
 */
export interface GroupKey {
  id: string;
  kind: GroupKind;
  /** What follows `tag:` or `cost-category:`; `account` for the account. */
  name: string;
  column: string;
  names: Record<ProviderId, string>;
}

/** Provider name → the tag's name there; e.g. `team` ← AWS `team`, Azure `Team`, GCP `team`. */
export type TagAliases = Readonly<Record<string, Partial<Record<ProviderId, string>>>>;

const prefixes = ["tag:", "cost-category:"] as const;

/** `tag_team`, `tag_aws_eks_cluster_name`, `cost_category_env`: lower case, every run of other characters one `_`. */
const columnOf = (kind: GroupKind, name: string): string =>
  kind === "account" ? "account" : `${kind.replace("-", "_")}_${name.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "_").replace(/^_|_$/g, "")}`;

/** Tag and label names as the clouds allow them (letters, digits, spaces and + - = . _ : / @), without control characters. */
const tagName = /^[\p{L}\p{N} +\-=._:/@]{1,128}$/u;

/** One key from the command line, the environment or the config (`from` names where). */
export function parseGroupKey(text: string, aliases: TagAliases, from = "--group-by"): GroupKey {
  const given = text.trim();
  if (given === "account") return { id: "account", kind: "account", name: "account", column: "account", names: { aws: "account", azure: "account", gcp: "account" } };
  const prefix = prefixes.find((p) => given.startsWith(p));
  if (!prefix) throw new UsageError(`${from} "${text}" names no known kind of group: give tag:NAME, account or cost-category:NAME`);
  const name = given.slice(prefix.length);
  const kind = prefix.slice(0, -1) as GroupKind;
  if (name === "") throw new UsageError(`${from} "${text}" names no ${kind}: give ${prefix}NAME, e.g. ${prefix}team`);
  // A name of punctuation alone would make an empty column name.
  if (!tagName.test(name) || !/[\p{L}\p{N}]/u.test(name)) throw new UsageError(`${from} "${text}": "${name}" is not a tag name (letters, digits, spaces and + - = . _ : / @, up to 128)`);
  const alias = kind === "tag" ? aliases[name] : undefined;
  const names = Object.fromEntries(providerIds.map((p) => [p, alias?.[p] ?? name])) as Record<ProviderId, string>;
  return { id: `${kind}:${name}`, kind, name, column: columnOf(kind, name), names };
}

/** Most keys one run groups by: each is a column and a table; beyond this a report is unreadable anyway. */
export const maxGroupKeys = 4;

/** The keys of a run, each once, checked together: no two may share a column. */
export function parseGroupKeys(texts: readonly string[], aliases: TagAliases, from = "--group-by"): GroupKey[] {
  const keys: GroupKey[] = [];
  for (const t of texts) {
    const key = parseGroupKey(t, aliases, from);
    const same = keys.find((k) => k.column === key.column);
    if (same && same.id === key.id) continue;
    if (same) throw new UsageError(`${from} "${same.id}" and "${key.id}" would both be column ${key.column}: give one`);
    keys.push(key);
  }
  if (keys.length > maxGroupKeys) throw new UsageError(`${from} gives ${keys.length} keys: at most ${maxGroupKeys} in one run`);
  return keys;
}

/** A row's value for a key: its account, or what its source put in `tags` (untagged when absent or empty). */
export function groupValue(r: { account: string; tags?: Readonly<Record<string, string>> }, key: GroupKey): string {
  if (key.kind === "account") return r.account;
  const v = r.tags?.[key.id];
  return v === undefined || v === "" ? untagged : v;
}

/** The keys a source is asked for: account needs no tag, every source answers it. */
export const tagKeys = (keys: readonly GroupKey[]): GroupKey[] => keys.filter((k) => k.kind !== "account");

/** Azure tag names are case-insensitive (Team and team are one tag); AWS tags and GCP labels are not. */
export const sameTagName = (provider: ProviderId, a: string, b: string): boolean => (provider === "azure" ? a.toLowerCase() === b.toLowerCase() : a === b);

/**
 * A row's `tags` from the tags its provider attached (name → value): each tag key's value under the key's name for
 * that provider, `(untagged)` when missing or empty. Undefined when the run asks for no tag key.
 */
export function pickTags(provider: ProviderId, attached: Readonly<Record<string, string>>, keys: readonly GroupKey[]): Record<string, string> | undefined {
  const wanted = tagKeys(keys);
  if (wanted.length === 0) return undefined;
  const entries = Object.entries(attached);
  return Object.fromEntries(
    wanted.map((k) => {
      const hit = k.kind === "tag" ? entries.find(([name]) => sameTagName(provider, name, k.names[provider])) : undefined;
      return [k.id, hit && hit[1] !== "" ? hit[1] : untagged];
    }),
  );
}
