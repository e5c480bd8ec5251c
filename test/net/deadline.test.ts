import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DeadlineError, deadline, withDeadline } from "../../src/net/deadline.js";
import { BodyTooLargeError, checkContentLength, MAX_BODY_BYTES, readCapped } from "../../src/net/http-policy.js";

let server: Server;
let url: string;
const timers = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  // Headers at once, then one byte every 100 ms: the body never ends within a test.
  server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.flushHeaders();
    const timer = setInterval(() => res.write(" "), 100);
    timers.add(timer);
    res.on("close", () => clearInterval(timer));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  for (const t of timers) clearInterval(t);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("withDeadline", () => {
  it("ends a request whose body drips, with a TimeoutError naming the deadline", async () => {
    const read = withDeadline(1500, undefined, async (signal) => (await fetch(url, { signal })).text());
    const error = await read.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DeadlineError);
    expect((error as DeadlineError).name).toBe("TimeoutError");
    expect((error as DeadlineError).message).toBe("no answer within 1500 ms");
  });

  it("passes the parent's abort on as it is, not as a timeout", async () => {
    const parent = new AbortController();
    const read = withDeadline(60_000, parent.signal, async (signal) => (await fetch(url, { signal })).text());
    parent.abort(new Error("interrupted"));
    const error = await read.catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(DeadlineError);
  });

  it("returns the answer of work done in time and lets go of the parent", async () => {
    const parent = new AbortController();
    await expect(withDeadline(60_000, parent.signal, async () => "done")).resolves.toBe("done");
  });

  it("says whether the time ran out or the parent aborted", () => {
    const parent = new AbortController();
    const limit = deadline(60_000, parent.signal);
    parent.abort();
    expect(limit.signal.aborted).toBe(true);
    expect(limit.expired).toBe(false);
    limit.clear();
  });
});

describe("body size bound", () => {
  it("reads a body up to the bound and refuses one over it", async () => {
    await expect(readCapped(Readable.from([Buffer.from("ab"), Buffer.from("cd")]), 4)).resolves.toBe("abcd");
    await expect(readCapped(Readable.from([Buffer.from("ab"), Buffer.from("cde")]), 4)).rejects.toBeInstanceOf(BodyTooLargeError);
    await expect(readCapped(null)).resolves.toBe("");
  });

  it("refuses a declared Content-Length over the bound before reading", () => {
    expect(() => checkContentLength(String(MAX_BODY_BYTES + 1))).toThrow(BodyTooLargeError);
    expect(() => checkContentLength(String(MAX_BODY_BYTES))).not.toThrow();
    expect(() => checkContentLength(undefined)).not.toThrow();
    expect(() => checkContentLength("not a number")).not.toThrow();
    expect(new BodyTooLargeError().message).toBe("the answer is larger than 64 MiB");
  });
});
