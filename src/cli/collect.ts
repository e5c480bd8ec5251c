import { CarbonTrackError } from "../errors.js";
import type { ProviderId, UsageRecord } from "../schema.js";
import { sources } from "../sources/registry.js";
import type { SourceContext } from "../sources/types.js";

export interface Collected<T> {
  records: UsageRecord[];
  warnings: string[];
  /** One line per failed provider or failed part of one. */
  failures: string[];
  /** Providers that produced nothing because they failed as a whole. */
  failedProviders: ProviderId[];
  requests: Record<string, Record<string, number>>;
  /** What `afterEach` made of each provider's records, in the order of the providers. */
  batches: T[];
}

/**
 * Queries the providers concurrently; one provider's failure never stops the others. Each provider's records go
 * to `afterEach` as soon as they arrive (the next stage overlaps with slower providers); records are joined in
 * the order of `providers`, so the output does not depend on which answered first.
 */
export async function collectUsage<T>(
  providers: readonly ProviderId[],
  ctx: SourceContext,
  afterEach: (records: UsageRecord[]) => Promise<T>,
): Promise<Collected<T>> {
  const out: Collected<T> = { records: [], warnings: [], failures: [], failedProviders: [], requests: {}, batches: [] };
  const settled = await Promise.allSettled(
    providers.map(async (id) => {
      ctx.log.progress(`querying ${id}`);
      const started = Date.now();
      const result = await sources[id].fetch(ctx);
      ctx.log.verbose(`${id}: ${result.records.length} usage rows in ${Date.now() - started} ms`);
      return { result, batch: await afterEach(result.records) };
    }),
  );
  settled.forEach((s, i) => {
    const id = providers[i]!;
    if (s.status === "fulfilled") {
      const { result, batch } = s.value;
      for (const r of result.records) out.records.push(r);
      out.warnings.push(...result.warnings.map((w) => `${id}: ${w}`));
      out.failures.push(...result.failures.map((f) => `${id}: ${f}`));
      out.requests[id] = result.requests;
      out.batches.push(batch);
    } else {
      const err = s.reason;
      // Known errors carry a message meant for a person; anything else is a bug worth its stack in --verbose.
      const message = err instanceof CarbonTrackError ? err.message : `${id}: unexpected error: ${(err as Error)?.message ?? String(err)}`;
      if (!(err instanceof CarbonTrackError)) ctx.log.verbose(String((err as Error)?.stack ?? err));
      out.failures.push(message.startsWith(`${id}:`) ? message : `${id}: ${message}`);
      out.failedProviders.push(id);
    }
  });
  return out;
}
