import { CarbonTrackError } from "../errors.js";
import type { ProviderId, UsageRecord } from "../schema.js";
import { sources } from "../sources/registry.js";
import type { SourceContext } from "../sources/types.js";

export interface Collected {
  records: UsageRecord[];
  warnings: string[];
  /** One line per failed provider or failed part of one. */
  failures: string[];
  /** Providers that produced nothing because they failed as a whole. */
  failedProviders: ProviderId[];
  requests: Record<string, Record<string, number>>;
}

/** Queries the providers concurrently; one provider's failure never stops the others. */
export async function collectUsage(providers: readonly ProviderId[], ctx: SourceContext): Promise<Collected> {
  const out: Collected = { records: [], warnings: [], failures: [], failedProviders: [], requests: {} };
  const settled = await Promise.allSettled(
    providers.map(async (id) => {
      ctx.log.progress(`querying ${id}`);
      const started = Date.now();
      const result = await sources[id].fetch(ctx);
      ctx.log.verbose(`${id}: ${result.records.length} usage rows in ${Date.now() - started} ms`);
      return result;
    }),
  );
  settled.forEach((s, i) => {
    const id = providers[i]!;
    if (s.status === "fulfilled") {
      for (const r of s.value.records) out.records.push(r);
      out.warnings.push(...s.value.warnings.map((w) => `${id}: ${w}`));
      out.failures.push(...s.value.failures.map((f) => `${id}: ${f}`));
      out.requests[id] = s.value.requests;
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

/** Region → the distinct periods its rows cover: what the intensity stage must answer. */
export function demandsOf(records: readonly UsageRecord[]): Map<string, Map<string, string>> {
  const byRegion = new Map<string, Map<string, string>>();
  for (const r of records) {
    const key = `${r.provider}:${r.region}`;
    let periods = byRegion.get(key);
    if (!periods) byRegion.set(key, (periods = new Map()));
    periods.set(r.periodStart, r.periodEnd);
  }
  return byRegion;
}
