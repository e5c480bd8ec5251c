import { setTimeout as sleep } from "node:timers/promises";
import { DeadlineError, withDeadline } from "../../net/deadline.js";
import { BodyTooLargeError, checkContentLength, readCapped, type HttpPolicy } from "../../net/http-policy.js";
import type { Redactor } from "../../text/redact.js";
import { LoginResponse } from "./wire.js";
import { retryAfterMs } from "../../net/retry-after.js";

/** The account's credentials were refused on /login: retrying cannot help. */
export class WattTimeLoginRejected extends Error {}
/** 403 with a JSON body on a data call: the account's plan does not cover that region or signal. */
export class WattTimeNotInPlan extends Error {}
/** Anything else that went wrong with one call: network, HTTP status, a body that is not what the API documents. */
export class WattTimeCallFailed extends Error {}

export interface WattTimeClientOptions {
  baseUrl: string;
  credentials: { username: string; password: string };
  http: HttpPolicy;
  abort: AbortSignal;
  /** Milliseconds since the epoch, on the run's clock (tests pin it). */
  clock: () => number;
  /** Knows the Basic credential and every token from /login; error details go through it before they are cut short. */
  redactor: Redactor;
}

/** Incremented per HTTP request sent (each attempt), by endpoint name. */
export type RequestCounts = Record<string, number>;

export interface WattTimeClient {
  /**
   * GET a /v3 endpoint with a bearer token; returns the parsed JSON body. The requests it sends, a login it
   * starts included, are counted in `requests`: callers sharing the client keep their counts apart.
   */
  getJson(path: string, params: Record<string, string>, endpoint: string, requests: RequestCounts): Promise<unknown>;
}

/** The client as one caller sees it: what it sends is counted in that caller's table, behind the shared limit. */
export interface WattTimeCaller {
  getJson(path: string, params: Record<string, string>, endpoint: string): Promise<unknown>;
}

/** Tokens last about 30 minutes; renew a little before so a long run never sends a dying one. */
const TOKEN_RENEW_AFTER_MS = 25 * 60_000;
/** A Retry-After longer than this would stall a run a person is waiting for: give up that call instead. */
const MAX_RETRY_AFTER_MS = 60_000;

export function wattTimeClient(opts: WattTimeClientOptions): WattTimeClient {
  let token: { value: string; obtainedMs: number } | null = null;
  let renewing: Promise<string> | null = null;
  let rejected: WattTimeLoginRejected | null = null;

  const bump = (requests: RequestCounts, endpoint: string): void => {
    requests[endpoint] = (requests[endpoint] ?? 0) + 1;
  };
  const backoffMs = (attempt: number): number => opts.http.retryBaseMs * 2 ** (attempt - 1) * (0.5 + Math.random());

  /**
   * Sends one GET and reads its whole body, retrying network faults (a connection dropped mid-body included),
   * 5xx and 429 (honouring Retry-After) up to maxAttempts in all.
   */
  async function send(url: URL, headers: Record<string, string>, endpoint: string, requests: RequestCounts): Promise<Reply> {
    for (let attempt = 1; ; attempt++) {
      bump(requests, endpoint);
      let res: Response;
      let text: string;
      try {
        ({ res, text } = await fetchText(url, headers, opts.http.timeoutMs, opts.abort));
      } catch (err) {
        if (opts.abort.aborted) throw err;
        if (err instanceof BodyTooLargeError) throw new WattTimeCallFailed(`${endpoint}: ${err.message}`);
        const reason = err instanceof DeadlineError ? `no answer within ${opts.http.timeoutMs} ms` : "network error or answer cut off";
        if (attempt >= opts.http.maxAttempts) throw new WattTimeCallFailed(`${endpoint}: ${reason} after ${attempt} attempts`);
        await sleep(backoffMs(attempt), undefined, { signal: opts.abort });
        continue;
      }
      if (res.status !== 429 && res.status < 500) return { status: res.status, text };
      if (attempt >= opts.http.maxAttempts) throw new WattTimeCallFailed(`${endpoint}: HTTP ${res.status} after ${attempt} attempts`);
      const waitMs = res.status === 429 ? (retryAfterMs(res.headers.get("retry-after")) ?? backoffMs(attempt)) : backoffMs(attempt);
      if (waitMs > MAX_RETRY_AFTER_MS) throw new WattTimeCallFailed(`${endpoint}: rate limited, asked to wait ${Math.round(waitMs / 1000)} s`);
      await sleep(waitMs, undefined, { signal: opts.abort });
    }
  }

  async function login(requests: RequestCounts): Promise<string> {
    const basic = Buffer.from(`${opts.credentials.username}:${opts.credentials.password}`).toString("base64");
    opts.redactor.add(basic);
    const res = await send(new URL("/login", opts.baseUrl), { authorization: `Basic ${basic}` }, "login", requests);
    // A wrong password is a 403 HTML page (sometimes 401): never retried, it would only burn the login quota.
    if (res.status === 401 || res.status === 403) {
      rejected = new WattTimeLoginRejected("login rejected");
      throw rejected;
    }
    if (!ok(res)) throw new WattTimeCallFailed(`login: HTTP ${res.status}`);
    const parsed = LoginResponse.safeParse(parseJson(res.text, "login"));
    if (!parsed.success) throw new WattTimeCallFailed("login: the answer holds no token");
    opts.redactor.add(parsed.data.token);
    token = { value: parsed.data.token, obtainedMs: opts.clock() };
    return token.value;
  }

  /**
   * One login at a time, and only when a call needs a token: calls in parallel share the renewal instead of each
   * logging in, and a run that finds everything in the cache never logs in.
   */
  function renew(stale: string | null, requests: RequestCounts): Promise<string> {
    if (rejected) return Promise.reject(rejected);
    if (token && token.value !== stale && opts.clock() - token.obtainedMs < TOKEN_RENEW_AFTER_MS) return Promise.resolve(token.value);
    renewing ??= login(requests).finally(() => {
      renewing = null;
    });
    return renewing;
  }

  return {
    async getJson(path, params, endpoint, requests) {
      const url = new URL(path, opts.baseUrl);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      let bearer = await renew(null, requests);
      let res = await send(url, { authorization: `Bearer ${bearer}` }, endpoint, requests);
      if (res.status === 401) {
        // The token expired under us: log in again, once, and repeat the call.
        bearer = await renew(bearer, requests);
        res = await send(url, { authorization: `Bearer ${bearer}` }, endpoint, requests);
      }
      if (res.status === 403) {
        const detail = jsonMessage(res.text, opts.redactor);
        if (detail !== null) throw new WattTimeNotInPlan(detail);
        throw new WattTimeCallFailed(`${endpoint}: HTTP 403`);
      }
      if (!ok(res)) {
        const detail = jsonMessage(res.text, opts.redactor);
        throw new WattTimeCallFailed(`${endpoint}: HTTP ${res.status}${detail ? ` (${detail})` : ""}`);
      }
      return parseJson(res.text, endpoint);
    },
  };
}

/**
 * One GET, body included, ended by the run's abort or by the attempt's deadline: a server that stops half-way or
 * drips its body is a timeout, not a hang. The body is read up to MAX_BODY_BYTES; a larger one is a failed call.
 */
function fetchText(url: URL, headers: Record<string, string>, timeoutMs: number, abort: AbortSignal): Promise<{ res: Response; text: string }> {
  return withDeadline(timeoutMs, abort, async (signal) => {
    const res = await fetch(url, { headers, signal });
    try {
      checkContentLength(res.headers.get("content-length"));
    } catch (error) {
      await res.body?.cancel();
      throw error;
    }
    return { res, text: await readCapped(res.body) };
  });
}

/** An answer read in full. */
interface Reply {
  status: number;
  text: string;
}

const ok = (res: Reply): boolean => res.status >= 200 && res.status < 300;

function parseJson(text: string, endpoint: string): unknown {
  if (text.trim() === "") throw new WattTimeCallFailed(`${endpoint}: HTTP 200 with an empty body`);
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new WattTimeCallFailed(`${endpoint}: the answer is not JSON`);
  }
}

/**
 * The human message of a JSON error body (WattTime answers `{"message": …}` or `{"error": …}`), or null if not
 * JSON. Redacted before it is cut short: a token cut in half would no longer be recognised.
 */
function jsonMessage(text: string, redactor: Redactor): string | null {
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === "object") {
      const o = body as Record<string, unknown>;
      const msg = o.message ?? o.error ?? o.detail;
      return typeof msg === "string" ? redactor.redact(msg).slice(0, 200) : "";
    }
    return "";
  } catch {
    return null;
  }
}
