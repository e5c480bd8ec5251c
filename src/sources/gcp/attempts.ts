import { AsyncLocalStorage } from "node:async_hooks";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import type { ClientRequest, IncomingMessage } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { ProviderError } from "../../errors.js";
import { checkContentLength, type HttpPolicy } from "../../net/http-policy.js";
import { BigQueryTimeout } from "./errors.js";

/**
 * Node announces every http(s).request on this channel, synchronously and in the caller's async context. The
 * BigQuery client offers no way to cancel a call (its transport, teeny-request on node-fetch 3, passes on
 * neither a signal nor a timeout), so this is how an abandoned attempt's requests are found and cut off.
 */
const REQUEST_START = "http.client.request.start";

const longestBackoffMs = 20_000;

/** The HTTP requests one attempt has open; once it is abandoned, anything it still sends is cut off at once. */
interface Attempt {
  open: Set<ClientRequest>;
  abandoned: boolean;
  /** Ends the attempt with this error (an answer declared larger than the body bound). */
  fail(error: Error): void;
}

export interface AttemptOptions {
  http: HttpPolicy;
  signal: AbortSignal;
  /**
   * Which of an attempt's requests are its own to cut off (by path). Others it may have started, such as the
   * credential exchange, are shared with later attempts (the auth library hands every caller the same pending
   * token request), so they are left to finish.
   */
  owns(path: string): boolean;
  /** Whether a failed attempt is worth repeating (timeouts, throttling, 5xx, dropped connections). */
  isTransient(error: unknown): boolean;
}

/** Exponential backoff with jitter: the base, doubling per attempt, drawn from the upper half, capped. */
export function backoffMs(http: HttpPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(http.retryBaseMs * 2 ** Math.max(0, attempt - 1), longestBackoffMs);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

const interrupted = (): ProviderError => new ProviderError("gcp", "interrupted");

/**
 * Runs client calls with a timeout per attempt and repeats transient failures up to the policy's attempts.
 * A call that outlives its attempt is abandoned: its open HTTP requests are destroyed, so it neither keeps
 * running beside the next attempt nor holds the process open. Calls must be safe to repeat.
 */
export class CallAttempts {
  readonly #context = new AsyncLocalStorage<Attempt>();
  readonly #onRequest = (message: unknown): void => {
    const attempt = this.#context.getStore();
    if (!attempt) return;
    const { request } = message as { request: ClientRequest };
    if (!this.options.owns(request.path)) return;
    if (attempt.abandoned) {
      request.destroy();
      return;
    }
    attempt.open.add(request);
    request.once("close", () => attempt.open.delete(request));
    // The client reads every body whole before answering: a declared length over the bound ends the attempt first.
    request.once("response", (response: IncomingMessage) => {
      try {
        checkContentLength(response.headers["content-length"]);
      } catch (error) {
        attempt.fail(error as Error);
      }
    });
  };

  constructor(private readonly options: AttemptOptions) {
    subscribe(REQUEST_START, this.#onRequest);
  }

  /** Stops watching requests; call once every call has ended. */
  close(): void {
    unsubscribe(REQUEST_START, this.#onRequest);
  }

  async run<T>(call: () => Promise<T>): Promise<T> {
    const { http, signal, isTransient } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#once(call, attempt);
      } catch (error) {
        if (attempt >= http.maxAttempts || !isTransient(error)) throw error;
      }
      await sleep(backoffMs(http, attempt), undefined, { signal }).catch(() => {
        throw interrupted();
      });
    }
  }

  async #once<T>(call: () => Promise<T>, number: number): Promise<T> {
    const { http, signal } = this.options;
    if (signal.aborted) throw interrupted();
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    let fail: (error: Error) => void = () => {};
    const stop = new Promise<never>((_, reject) => {
      fail = reject;
      timer = setTimeout(() => reject(new BigQueryTimeout(http.timeoutMs, number)), http.timeoutMs);
      onAbort = () => reject(interrupted());
      signal.addEventListener("abort", onAbort, { once: true });
    });
    const attempt: Attempt = { open: new Set(), abandoned: false, fail };
    const pending = this.#context.run(attempt, call);
    let settled = false;
    pending.then(
      () => (settled = true),
      () => (settled = true),
    );
    try {
      return await Promise.race([pending, stop]);
    } catch (error) {
      if (!settled) abandon(attempt);
      throw error;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener("abort", onAbort);
    }
  }
}

function abandon(attempt: Attempt): void {
  attempt.abandoned = true;
  for (const request of attempt.open) request.destroy();
  attempt.open.clear();
}
