import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** One answer put ahead of the fake's own: a status and body, or a delay longer than any client waits. */
export interface Injected {
  status: number;
  body: string;
  headers?: Record<string, string>;
  /** Hold the answer this long (a timeout cell). */
  delayMs?: number;
}

export interface LoopbackFake {
  url: string;
  /** Every request's path and query, in order. */
  log: { path: string; query: URLSearchParams; headers: IncomingMessage["headers"] }[];
  /** The next answers to any request, in order, before the fake answers by itself again. */
  inject(...answers: Injected[]): void;
  close(): Promise<void>;
}

/**
 * A loopback HTTP server on 127.0.0.1 for the grid-signal fakes: logs each request, plays injected faults first,
 * then hands the request to `answer`.
 */
export async function startLoopback(answer: (path: string, query: URLSearchParams, req: IncomingMessage) => Injected): Promise<LoopbackFake> {
  const log: LoopbackFake["log"] = [];
  const queue: Injected[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const send = (res: ServerResponse, a: Injected): void => {
    res.writeHead(a.status, { "content-type": "application/json", ...a.headers });
    res.end(a.body);
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    log.push({ path: url.pathname, query: url.searchParams, headers: req.headers });
    const a = queue.shift() ?? answer(url.pathname, url.searchParams, req);
    if (a.delayMs) {
      const t = setTimeout(() => {
        timers.delete(t);
        if (!res.destroyed) send(res, a);
      }, a.delayMs);
      timers.add(t);
    } else send(res, a);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    inject: (...answers) => queue.push(...answers),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export const json = (status: number, body: unknown): Injected => ({ status, body: JSON.stringify(body) });
