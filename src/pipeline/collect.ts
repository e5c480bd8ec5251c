import { CarbonTrackError, ProviderError } from "../errors.js";
import { deadline, type Deadline } from "../net/deadline.js";
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
  deadlineMs: number,
): Promise<Collected<T>> {
  const out: Collected<T> = { records: [], warnings: [], failures: [], failedProviders: [], requests: {}, batches: [] };
  // Providers see the run's deadline as an abort, as they see an interrupt; ctx.signal stays the interrupt alone.
  const runDeadline = deadline(deadlineMs, ctx.signal);
  const settled = await Promise.allSettled(
    providers.map(async (id) => {
      ctx.log.progress(`querying ${id}`);
      const started = Date.now();
      const result = await beforeDeadline(id, sources[id].fetch({ ...ctx, signal: runDeadline.signal }), runDeadline);
      ctx.log.verbose(`${id}: ${result.records.length} usage rows in ${Date.now() - started} ms`);
      return { result, batch: await afterEach(result.records) };
    }),
  );
  runDeadline.clear();
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

/**
 * A provider's answer, or its failure once the run's deadline passes: a provider still running then fails alone
 * (whatever its SDK does with the abort, the run does not wait for it) and the others' data is written.
 * An interrupt is not a deadline: the provider stops on the aborted signal and the run ends as interrupted.
 */
function beforeDeadline<R>(id: ProviderId, work: Promise<R>, limit: Deadline): Promise<R> {
  const passed = new Promise<never>((_, reject) => {
    const onAbort = (): void => {
      if (limit.expired) reject(new ProviderError(id, `no answer before the run's deadline (${seconds(limit.ms)} s, CARBON_TRACK_DEADLINE_MS)`));
    };
    if (limit.signal.aborted) onAbort();
    else limit.signal.addEventListener("abort", onAbort, { once: true });
    void work.finally(() => limit.signal.removeEventListener("abort", onAbort)).catch(() => undefined);
  });
  return Promise.race([work, passed]);
}

const seconds = (ms: number): string => String(Math.round(ms / 100) / 10);
