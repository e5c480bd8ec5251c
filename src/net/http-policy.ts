/**
 * Timeouts, retry pacing and size bounds for every provider call, billing and intensity alike. Set by the command
 * layer (the environment variables CARBON_TRACK_TIMEOUT_MS and CARBON_TRACK_RETRY_BASE_MS let tests shorten them).
 */
export interface HttpPolicy {
  /** Per-attempt deadline: from sending the request to the last byte of its answer. */
  timeoutMs: number;
  /** First backoff delay; later ones double, with jitter, up to maxAttempts in all. */
  retryBaseMs: number;
  maxAttempts: number;
}

/**
 * The largest answer body read from any provider. The largest real answers are a few MB (a Cost Explorer page of
 * GPU groups, a month of 5-minute WattTime points, a page of BigQuery rows); 64 MiB leaves room for growth while a
 * broken or hostile server cannot make the run hold gigabytes in memory.
 */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** An answer larger than MAX_BODY_BYTES: not retried (the same server would send it again). */
export class BodyTooLargeError extends Error {
  override readonly name = "BodyTooLargeError";
  constructor(readonly limit: number = MAX_BODY_BYTES) {
    super(`the answer is larger than ${limit / (1024 * 1024)} MiB`);
  }
}

/** Throws when a declared Content-Length is over the bound; absent or unreadable ones are counted while read. */
export function checkContentLength(header: string | string[] | null | undefined, limit: number = MAX_BODY_BYTES): void {
  const value = Array.isArray(header) ? header[0] : header;
  if (value && /^\d+$/.test(value.trim()) && Number(value) > limit) throw new BodyTooLargeError(limit);
}

/** Reads a body in full, stopping (and throwing) once it passes `limit` bytes. */
export async function readCapped(body: AsyncIterable<Uint8Array> | null, limit: number = MAX_BODY_BYTES): Promise<string> {
  if (!body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.byteLength;
    if (size > limit) throw new BodyTooLargeError(limit);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const positiveInt = (v: string | undefined, fallback: number): number => (v && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : fallback);

/** A run's policy: 30 s per attempt, 500 ms first backoff, 4 attempts; CARBON_TRACK_TIMEOUT_MS and _RETRY_BASE_MS change it. */
export function httpPolicy(env: NodeJS.ProcessEnv): HttpPolicy {
  return {
    timeoutMs: positiveInt(env.CARBON_TRACK_TIMEOUT_MS, 30_000),
    retryBaseMs: positiveInt(env.CARBON_TRACK_RETRY_BASE_MS, 500),
    maxAttempts: 4,
  };
}

/**
 * The run's deadline for the billing providers (CARBON_TRACK_DEADLINE_MS): past it, a provider still running fails
 * alone and the others' data is written. Longer than any healthy run (a BigQuery job is given up after 5 minutes),
 * short enough that a scheduled run always ends.
 */
export const runDeadlineMs = (env: NodeJS.ProcessEnv): number => positiveInt(env.CARBON_TRACK_DEADLINE_MS, 15 * 60_000);
