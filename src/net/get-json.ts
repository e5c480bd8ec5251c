import { setTimeout as sleep } from "node:timers/promises";
import { DeadlineError, withDeadline } from "./deadline.js";
import { BodyTooLargeError, checkContentLength, readCapped, type HttpPolicy } from "./http-policy.js";
import { retryAfterMs } from "./retry-after.js";

/** One GET that failed for good: the message names the call (never its URL, which may hold a key) and why. */
export class HttpCallFailed extends Error {
  constructor(
    message: string,
    /** The last HTTP status, when there was an answer. */
    readonly status: number | null = null,
  ) {
    super(message);
  }
}

export interface GetJsonOptions {
  http: HttpPolicy;
  abort: AbortSignal;
  headers?: Record<string, string>;
  /** Names the call in errors, e.g. `eia fuel-type-data`. */
  what: string;
  /** Called once per request sent (each attempt), for the run's request counts. */
  count: () => void;
}

/** A Retry-After longer than this would stall a run a person is waiting for: give up that call instead. */
const MAX_RETRY_AFTER_MS = 60_000;

/**
 * GET a JSON document for the keyless or query-keyed public APIs (grid signals). Retries network faults, 429 and
 * 5xx up to the policy's attempts (429 honouring Retry-After); any other non-2xx, an empty or non-JSON body, fails
 * at once. The whole body is read under the attempt's deadline and capped in size. Errors never quote the URL.
 */
export async function getJson(url: URL, opts: GetJsonOptions): Promise<unknown> {
  const backoffMs = (attempt: number): number => opts.http.retryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random());
  for (let attempt = 1; ; attempt++) {
    opts.count();
    let status: number;
    let text: string;
    let retryAfter: string | null;
    try {
      ({ status, text, retryAfter } = await withDeadline(opts.http.timeoutMs, opts.abort, async (signal) => {
        const res = await fetch(url, { headers: opts.headers ?? {}, signal });
        try {
          checkContentLength(res.headers.get("content-length"));
        } catch (error) {
          await res.body?.cancel();
          throw error;
        }
        return { status: res.status, text: await readCapped(res.body), retryAfter: res.headers.get("retry-after") };
      }));
    } catch (err) {
      if (opts.abort.aborted) throw err;
      if (err instanceof BodyTooLargeError) throw new HttpCallFailed(`${opts.what}: ${err.message}`);
      const reason = err instanceof DeadlineError ? `no answer within ${opts.http.timeoutMs} ms` : "network error or answer cut off";
      if (attempt >= opts.http.maxAttempts) throw new HttpCallFailed(`${opts.what}: ${reason} after ${attempt} attempts`);
      await sleep(backoffMs(attempt), undefined, { signal: opts.abort });
      continue;
    }
    if (status === 429 || status >= 500) {
      if (attempt >= opts.http.maxAttempts) throw new HttpCallFailed(`${opts.what}: HTTP ${status} after ${attempt} attempts`, status);
      const asked = status === 429 ? retryAfterMs(retryAfter) : null;
      const waitMs = asked ?? backoffMs(attempt);
      if (waitMs > MAX_RETRY_AFTER_MS) throw new HttpCallFailed(`${opts.what}: rate limited, asked to wait ${Math.round(waitMs / 1000)} s`, status);
      await sleep(waitMs, undefined, { signal: opts.abort });
      continue;
    }
    if (status < 200 || status >= 300) throw new HttpCallFailed(`${opts.what}: HTTP ${status}`, status);
    if (text.trim() === "") throw new HttpCallFailed(`${opts.what}: HTTP ${status} with an empty body`, status);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new HttpCallFailed(`${opts.what}: the answer is not JSON`, status);
    }
  }
}
