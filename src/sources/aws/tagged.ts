import type { Expression, GetCostAndUsageCommandInput } from "@aws-sdk/client-cost-explorer";
import type { GroupKey } from "../../attribution/keys.js";
import type { Logger } from "../../log.js";
import type { CostExplorerCalls } from "./client.js";
import { addPage, emptyMapped, type Mapped } from "./map.js";

/**
 * The main query, narrowed to one account and grouped by usage type and the key (a tag or a cost category). Cost
 * Explorer groups by at most two keys, and account, region and type take both (LINKED_ACCOUNT and USAGE_TYPE, which
 * holds region and type): so the tag is asked for per account (src/attribution/limits.ts).
 */
export function taggedQuery(main: GetCostAndUsageCommandInput, account: string, key: GroupKey): GetCostAndUsageCommandInput {
  const oneAccount: Expression = { Dimensions: { Key: "LINKED_ACCOUNT", Values: [account] } };
  return {
    ...main,
    GroupBy: [
      { Type: "DIMENSION", Key: "USAGE_TYPE" },
      { Type: key.kind === "cost-category" ? "COST_CATEGORY" : "TAG", Key: key.names.aws },
    ],
    Filter: main.Filter ? { And: [main.Filter, oneAccount] } : oneAccount,
  };
}

/**
 * The same hours split by the tag: the accounts the main query found, one query each (and its pages). Each account's
 * tagged rows replace its rows, `(untagged)` included, so the values add up to the main query's hours.
 */
export async function splitByTag(
  calls: CostExplorerCalls,
  q: {
    main: GetCostAndUsageCommandInput;
    gpuTypes: ReadonlySet<string>;
    prefixes: Readonly<Record<string, string>> | undefined;
    log: Logger;
    /** --audit: each query as sent. */
    record?(query: GetCostAndUsageCommandInput): void;
  },
  whole: Mapped,
  key: GroupKey,
): Promise<Mapped> {
  const accounts = [...new Set([...whole.records.values()].map((r) => r.account))].sort();
  q.log.verbose(`AWS: ${key.id} is asked per account (Cost Explorer groups by at most 2 keys): ${accounts.length} more queries, 1 request per page`);
  const tagged = emptyMapped();
  for (const account of accounts) {
    q.log.progress(`AWS: reading ${key.id} of account ${account}`);
    const query = taggedQuery(q.main, account, key);
    q.record?.(query);
    for await (const page of calls.costAndUsagePages(query)) addPage(tagged, page.ResultsByTime, q.gpuTypes, q.prefixes, { account, key });
  }
  return {
    records: tagged.records,
    warnings: new Set([...whole.warnings, ...tagged.warnings]),
    failures: new Set([...whole.failures, ...tagged.failures]),
    unknownPrefixes: whole.unknownPrefixes,
  };
}
