import { setTimeout as sleep } from "node:timers/promises";
import { isRestError } from "@azure/core-rest-pipeline";
import type { HttpPolicy } from "../../net/http-policy.js";

/** A wait longer than this would stall an unattended run for good: the call gives up instead (and is reported). */
export const maxRequestedWaitMs = 60_000;

// Cost Management throttles per quota (qpu, entity, tenant, client…), each with its own retry-after header.
const costManagementRetryAfter = /^x-ms-ratelimit-microsoft\.costmanagement-.+-retry-after$/i;

/**
 * How long the service asked us to wait: the longest of `Retry-After` (seconds or an HTTP date) and the
 * `x-ms-ratelimit-microsoft.costmanagement-*-retry-after` headers (seconds). Undefined when none says.
 */
export function requestedWaitMs(headers: Iterable<[string, string]>, nowMs: number): number | undefined {
  let longest: number | undefined;
  for (const [name, value] of headers) {
    let ms: number | undefined;
    if (costManagementRetryAfter.test(name) || name.toLowerCase() === "retry-after") {
      const seconds = Number(value);
      if (Number.isFinite(seconds) && value.trim() !== "") ms = seconds * 1000;
      else if (name.toLowerCase() === "retry-after" && !Number.isNaN(Date.parse(value))) ms = Date.parse(value) - nowMs;
    }
    if (ms !== undefined && ms >= 0) longest = Math.max(longest ?? 0, ms);
  }
  return longest;
}

/** Why an attempt failed, as far as retrying is concerned. */
function retryDelayMs(err: unknown, attempt: number, policy: HttpPolicy): number | undefined {
  const backoff = policy.retryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
  if (isRestError(err)) {
    const status = err.statusCode;
    if (status === 429) return requestedWaitMs(err.response?.headers ?? [], Date.now()) ?? backoff;
    // No status: the request never got an answer (connection reset, timeout).
    if (status === undefined || status >= 500) return backoff;
    return undefined;
  }
  // TimeoutError: an attempt's deadline passed (net/deadline.ts); AbortError: the SDK gave up on the connection.
  return err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError") ? backoff : undefined;
}

/**
 * Runs one HTTP call up to policy.maxAttempts times: 429 waits what the service asked (up to maxRequestedWaitMs),
 * 5xx and lost connections back off exponentially. The SDK's own retries are off, so every attempt is counted here.
 */
export async function withRetries<T>(call: () => Promise<T>, opts: { policy: HttpPolicy; signal: AbortSignal; onAttempt: () => void }): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    opts.onAttempt();
    try {
      return await call();
    } catch (err) {
      if (opts.signal.aborted || attempt >= opts.policy.maxAttempts) throw err;
      const delayMs = retryDelayMs(err, attempt, opts.policy);
      if (delayMs === undefined) throw err;
      if (delayMs > maxRequestedWaitMs) {
        throw new Error(`throttled (429) and asked to wait ${Math.round(delayMs / 1000)} s, more than the ${maxRequestedWaitMs / 1000} s a run waits: try again later`);
      }
      await sleep(delayMs, undefined, { signal: opts.signal });
    }
  }
}
