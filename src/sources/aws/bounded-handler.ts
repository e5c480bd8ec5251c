import { Transform, type Readable } from "node:stream";
import type { CostExplorerClient } from "@aws-sdk/client-cost-explorer";
import { deadline } from "../../net/deadline.js";
import { BodyTooLargeError, checkContentLength, MAX_BODY_BYTES, type HttpPolicy } from "../../net/http-policy.js";

type RequestHandler = CostExplorerClient["config"]["requestHandler"];
type HandleArgs = Parameters<RequestHandler["handle"]>;
type Handled = Awaited<ReturnType<RequestHandler["handle"]>>;

/**
 * Wraps the SDK's HTTP handler so that each attempt (the retry middleware calls it once per attempt) has one
 * deadline from sending to the last byte of the body, and a bounded body. The handler's own requestTimeout stops
 * at the headers and its socket timeout is an idle timer, so a server dripping its body defeated both.
 * On expiry the body stream fails with a TimeoutError, which the SDK's retry strategy counts as transient.
 */
export function boundedHandler(inner: RequestHandler, http: HttpPolicy): RequestHandler {
  return Object.assign(Object.create(inner) as RequestHandler, {
    async handle(request: HandleArgs[0], options: HandleArgs[1] = {}): Promise<Handled> {
      const limit = deadline(http.timeoutMs, (options as { abortSignal?: AbortSignal }).abortSignal);
      let handled: Handled;
      try {
        handled = await inner.handle(request, { ...options, abortSignal: limit.signal });
      } catch (error) {
        limit.clear();
        throw limit.expired ? limit.signal.reason : error;
      }
      const body = handled.response.body as Readable | undefined;
      if (!body || typeof body.pipe !== "function") {
        limit.clear();
        return handled;
      }
      try {
        checkContentLength(handled.response.headers["content-length"]);
      } catch (error) {
        limit.clear();
        body.destroy();
        throw error;
      }
      handled.response.body = boundBody(body, limit);
      return handled;
    },
  });
}

function boundBody(body: Readable, limit: ReturnType<typeof deadline>): Readable {
  let size = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) done(new BodyTooLargeError());
      else done(null, chunk);
    },
  });
  const stop = (): void => {
    counted.destroy(limit.signal.reason instanceof Error ? limit.signal.reason : new Error("aborted"));
  };
  limit.signal.addEventListener("abort", stop, { once: true });
  // The SDK listens for the body's errors while it reads; should it never read, a late deadline must not crash.
  counted.on("error", () => undefined);
  body.on("error", (error) => counted.destroy(error));
  counted.on("close", () => {
    limit.signal.removeEventListener("abort", stop);
    limit.clear();
    body.destroy();
  });
  return body.pipe(counted);
}
