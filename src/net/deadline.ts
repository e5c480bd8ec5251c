/**
 * Deadlines as abort signals. Plain controllers with their own timers rather than AbortSignal.any with
 * AbortSignal.timeout: on Node 20 such a composite signal can be garbage-collected while a request waits on it,
 * and then the timeout never fires (a fault-matrix cell hung that way under load).
 */

/** Why a deadline's signal was aborted; its name is what the SDKs' retry classifiers call a timeout. */
export class DeadlineError extends Error {
  override readonly name = "TimeoutError";
  constructor(readonly ms: number) {
    super(`no answer within ${ms} ms`);
  }
}

export interface Deadline {
  /** Aborted with a DeadlineError once the time is up, or with the parent's reason when the parent aborts. */
  readonly signal: AbortSignal;
  /** Whether it was the time that ran out (rather than the parent aborting). */
  readonly expired: boolean;
  readonly ms: number;
  /** Stops the timer and lets go of the parent: call once the work is over. */
  clear(): void;
}

/** A signal that aborts after `ms`, or earlier with `parent`. */
export function deadline(ms: number, parent?: AbortSignal): Deadline {
  const controller = new AbortController();
  let expired = false;
  const onParent = (): void => controller.abort(parent?.reason);
  if (parent?.aborted) onParent();
  else parent?.addEventListener("abort", onParent, { once: true });
  const timer = setTimeout(() => {
    expired = true;
    controller.abort(new DeadlineError(ms));
  }, ms);
  // A deadline alone never keeps the process alive: the work it bounds does, or nothing is left to wait for.
  timer.unref();
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    ms,
    clear() {
      clearTimeout(timer);
      parent?.removeEventListener("abort", onParent);
    },
  };
}

/**
 * Runs one attempt under a deadline: `call` gets the signal to pass to its request and must read the whole answer
 * under it. Once the time is up the attempt fails with a DeadlineError, whatever error the aborted request gave.
 */
export async function withDeadline<T>(ms: number, parent: AbortSignal | undefined, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const limit = deadline(ms, parent);
  try {
    return await call(limit.signal);
  } catch (error) {
    throw limit.expired ? (limit.signal.reason as DeadlineError) : error;
  } finally {
    limit.clear();
  }
}
