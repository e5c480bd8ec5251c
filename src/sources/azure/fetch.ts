import { isRestError } from "@azure/core-rest-pipeline";
import { ProviderError, UsageError } from "../../errors.js";
import { DeadlineError } from "../../net/deadline.js";
import type { UsageRecord } from "../../schema.js";
import type { SourceContext, SourceResult } from "../types.js";
import { createAzureClients, type AzureClients, type AzureTransport, type CallOptions } from "./client.js";
import { loadMeterMap } from "./meters.js";
import { toUsageRecords } from "./records.js";
import { withRetries } from "./retry.js";
import { subscriptionsInScope } from "./scopes.js";
import { subscriptionRows } from "./subscription.js";
import { taggedRows } from "./tagged.js";
import { tagKeys } from "../../attribution/keys.js";

const defaultConcurrency = 4;
const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Runs fn over items with at most `limit` calls in flight, keeping the input order in the results. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) results[i] = await fn(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** One line for a person: what failed and what to do, with the service's error code when it gave one. */
export function describeFailure(err: unknown): string {
  const first = (s: string) => s.split("\n")[0]?.trim() ?? "";
  if (isRestError(err)) {
    // No status: the answer never completed. The SDK's parse error quotes the body, which is no use in a one-line reason.
    const dropped = /\baborted\b|ECONNRESET|socket hang up|terminated/.test(err.message) || err.code === "PARSE_ERROR";
    if (err.statusCode === undefined && dropped) return "the connection dropped before the answer was complete, on every attempt";
    if (err.code === "PARSE_ERROR") return `the Query API sent an answer that is not valid JSON (HTTP ${err.statusCode})`;
    const code = err.code && err.code !== "REQUEST_SEND_ERROR" ? ` ${err.code}` : "";
    switch (err.statusCode) {
      case 401:
        return `not authenticated (401${code}): sign in again (az login) or check AZURE_TOKEN_CREDENTIALS`;
      case 403:
        return `access denied (403${code}): the identity needs the Cost Management Reader role on it`;
      case 404:
        return `not found (404${code}): check the id`;
      case 429:
        return `still throttled (429) after every attempt: try again later`;
      case undefined:
        return `no answer: ${first(err.message)}`;
      default:
        return `HTTP ${err.statusCode}${code}: ${first(err.message)}`;
    }
  }
  if (err instanceof DeadlineError) return `no answer within ${err.ms} ms, on every attempt`;
  // Our own signal was not aborted (that ends the run), so an AbortError is the connection given up on.
  if (err instanceof Error && err.name === "AbortError") return "no answer before the request timeout, on every attempt";
  return first(err instanceof Error ? err.message : String(err));
}

/** Subscriptions named in config, resolved from config scopes, or else AZURE_SUBSCRIPTION_ID; each once. */
async function subscriptionsToQuery(ctx: SourceContext, clients: AzureClients, deps: ScopeDeps, failures: string[]): Promise<string[]> {
  const ids = [...(ctx.config.azure?.subscriptions ?? [])];
  for (const scope of ctx.config.azure?.scopes ?? []) {
    try {
      const found = await subscriptionsInScope(scope, { send: clients.sendArm, ...deps });
      if (found.length === 0) failures.push(`scope ${scope}: lists no subscription`);
      ids.push(...found);
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      failures.push(`scope ${scope}: ${describeFailure(err)}`);
    }
  }
  const fromEnv = ctx.env.AZURE_SUBSCRIPTION_ID?.trim();
  if (ids.length === 0 && !ctx.config.azure?.scopes?.length && fromEnv) {
    if (!guid.test(fromEnv)) throw new UsageError("AZURE_SUBSCRIPTION_ID is not a subscription id (a GUID such as 00000000-0000-0000-0000-000000000000)");
    ids.push(fromEnv);
  }
  return [...new Map(ids.map((id) => [id.toLowerCase(), id])).values()];
}

interface ScopeDeps {
  env: NodeJS.ProcessEnv;
  opts: CallOptions;
  retry: <T>(call: () => Promise<T>) => Promise<T>;
}

/**
 * Warnings and failures are bare lines: the command layer prefixes them with the provider id.
 *
 * GPU VM hours from the Cost Management Query API, one subscription per request, with bounded concurrency.
 * A subscription that fails becomes a failure line and the others go on; all failing is a ProviderError.
 * `transport` exists for tests, which must trust their loopback fake's certificate.
 */
export async function fetchAzureUsage(ctx: SourceContext, transport: AzureTransport = {}): Promise<SourceResult> {
  const meters = loadMeterMap();
  const warnings: string[] = [];
  const failures: string[] = [];
  const requests: Record<string, number> = {};
  const counted = (endpoint: string) => <T>(call: () => Promise<T>) =>
    withRetries(call, { policy: ctx.http, signal: ctx.signal, onAttempt: () => (requests[endpoint] = (requests[endpoint] ?? 0) + 1) });

  if (ctx.window.granularity === "hourly") warnings.push("the Cost Management Query API has no hourly data: answered daily");
  const clients = createAzureClients(ctx.env, transport, ctx.redactor);
  const opts: CallOptions = { timeoutMs: ctx.http.timeoutMs, abortSignal: ctx.signal };
  const subscriptions = await subscriptionsToQuery(ctx, clients, { env: ctx.env, opts, retry: counted("arm:subscriptions") }, failures);
  if (subscriptions.length === 0) {
    throw new ProviderError("azure", failures.join("; ") || "no subscription to query: set azure.subscriptions in the config or AZURE_SUBSCRIPTION_ID");
  }

  const deps = {
    cost: clients.cost,
    sendCost: clients.sendCost,
    env: ctx.env,
    opts,
    retry: counted("costmanagement:query"),
    record: (params: unknown) => ctx.recordQuery?.("azure", "Cost Management Query", params),
  };
  const window = { from: ctx.window.since, to: ctx.window.until };
  // A cost category is AWS's alone: its rows here are untagged, without a query.
  const [tagKey] = tagKeys(ctx.groupKeys ?? []).filter((k) => k.kind === "tag");
  if (tagKey) ctx.log.verbose(`azure: ${tagKey.id} is asked per subscription and location (the Query API groups by at most 2 keys)`);
  const outcomes = await mapBounded(subscriptions, ctx.config.azure?.concurrency ?? defaultConcurrency, async (id) => {
    ctx.log.progress(`azure: querying subscription ${id}`);
    try {
      const rows = await subscriptionRows(id, window, deps);
      const split = tagKey ? await taggedRows(id, window, deps, rows, meters, tagKey) : rows;
      return { id, ok: true as const, mapped: toUsageRecords(id, split, meters, tagKey) };
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      return { id, ok: false as const, reason: describeFailure(err) };
    }
  });

  const records: UsageRecord[] = [];
  const unknownMeters = new Set<string>();
  const unexpectedUnits = new Set<string>();
  for (const outcome of outcomes) {
    if (!outcome.ok) {
      failures.push(`subscription ${outcome.id}: ${outcome.reason}`);
      continue;
    }
    records.push(...outcome.mapped.records);
    outcome.mapped.unknownMeters.forEach((m) => unknownMeters.add(m));
    outcome.mapped.unexpectedUnits.forEach((u) => unexpectedUnits.add(u));
  }
  if (outcomes.every((o) => !o.ok)) throw new ProviderError("azure", `every subscription failed: ${failures.join("; ")}`);
  for (const meter of unknownMeters) {
    warnings.push(`GPU meter "${meter}" is not in config/azure-meters.json: its hours are left out (add the meter and its Standard_ size)`);
  }
  for (const unit of unexpectedUnits) warnings.push(`meter ${unit} is not billed in hours: its rows are left out`);
  ctx.log.verbose(`azure: ${requests["costmanagement:query"] ?? 0} Query API requests (retries included)`);
  return { records, warnings, failures, requests };
}
