import type { Catalog } from "../config/catalog.js";
import type { UserConfig } from "../config/user-config.js";
import type { Logger } from "../log.js";
import type { HttpPolicy } from "../net/http-policy.js";
import type { ProviderId, UsageRecord } from "../schema.js";
import type { Redactor } from "../text/redact.js";
import type { GroupKey } from "../attribution/keys.js";

/** The usage window: whole UTC days, both ends inclusive (`until` is the last day counted). */
export interface UsageWindow {
  since: string;
  until: string;
  granularity: "daily" | "hourly";
}

/** What every source receives; nothing is read from globals. */
export interface SourceContext {
  window: UsageWindow;
  env: NodeJS.ProcessEnv;
  config: UserConfig;
  catalog: Catalog;
  log: Logger;
  /** Aborted when the user interrupts the run: stop requests and return. */
  signal: AbortSignal;
  http: HttpPolicy;
  /** Where a token obtained from the provider is registered, and what a message that may quote an answer goes through. */
  redactor: Redactor;
  /** --group-by keys: each record carries their values in `tags` (src/attribution/); absent or empty, none. */
  groupKeys?: readonly GroupKey[];
  /** --audit: each query as sent (its parameters, never a credential), for the pack's manifest. */
  recordQuery?(provider: ProviderId, name: string, params: unknown): void;
}

export interface SourceResult {
  records: UsageRecord[];
  /** Documented fallbacks and oddities worth a line on stderr; the run stays successful. */
  warnings: string[];
  /** Parts that failed (a subscription, a page) while the rest succeeded: make the run partial (exit 3). */
  failures: string[];
  /** Billable or rate-limited API requests made, by endpoint, for the README's request counts and the bench. */
  requests: Record<string, number>;
}

/**
 * A billing source. Adding a provider means one module implementing this, and one line in registry.ts.
 * `fetch` throws a ProviderError (one line for a person) when the provider as a whole failed.
 * The module implementing UsageSource must stay light: it imports its SDK lazily inside `fetch`
 * (`await import("./fetch.js")`), so that start-up never pays for an SDK that is not queried.
 */
export interface UsageSource {
  readonly id: ProviderId;
  /** Configured when the user gave what the provider needs (ARCHITECTURE.md "Which providers run"). */
  isConfigured(config: UserConfig, env: NodeJS.ProcessEnv): boolean;
  /**
   * Named with --providers, the provider is asked even when isConfigured sees nothing: its SDK's default chain may find
   * credentials no variable shows (an EC2 instance role through the metadata service), and says so when it finds none.
   */
  readonly chainDecides?: boolean;
  /** One line telling a person how to configure the provider. */
  readonly howToConfigure: string;
  fetch(ctx: SourceContext): Promise<SourceResult>;
  /**
   * What `fetch` would send, for --dry-run: no billable request. A source that can ask for an estimate for free
   * (BigQuery's dry run) does, and counts it in `requests`.
   */
  plan?(ctx: SourceContext): Promise<SourcePlan>;
}

export interface SourcePlan {
  /** One line per query the run would send: what it asks, and how many requests it takes. */
  queries: string[];
  /** Requests made while planning, by endpoint (never a billable one). */
  requests: Record<string, number>;
}
