import { request as httpRequest, createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { request as httpsRequest, createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";

/**
 * A loopback reverse proxy in front of a fake that holds every request `delayMs` before forwarding it: the
 * round-trip time of a real API, added without touching the fakes. It counts the requests it forwards, so the
 * request figures come from the wire, not from the CLI's own report.
 */
export interface LatencyProxy {
  url: string;
  count(): number;
  /** The paths (with their queries) of the requests forwarded since the last reset. */
  paths(): string[];
  reset(): void;
  close(): Promise<void>;
}

export async function startLatencyProxy(target: string, delayMs: number, tls?: { certPem: string; keyPem: string }): Promise<LatencyProxy> {
  const upstream = new URL(target);
  const send = upstream.protocol === "https:" ? httpsRequest : httpRequest;
  let requests = 0;
  let paths: string[] = [];
  let url = "";
  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    requests++;
    paths.push(req.url ?? "");
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      setTimeout(() => {
        const out = send(
          { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: { ...req.headers, host: upstream.host }, ...(tls ? { ca: tls.certPem } : {}) },
          (reply) => {
            // Links the fake builds from its own address (Azure's nextLink) must lead back through the proxy.
            const body: Buffer[] = [];
            reply.on("data", (c: Buffer) => body.push(c));
            reply.on("end", () => {
              const text = Buffer.from(Buffer.concat(body).toString("utf8").replaceAll(upstream.origin, url));
              const headers = { ...reply.headers };
              delete headers["content-length"];
              delete headers["transfer-encoding"];
              res.writeHead(reply.statusCode ?? 502, { ...headers, "content-length": String(text.length) });
              res.end(text);
            });
          },
        );
        out.on("error", (err) => {
          res.writeHead(502);
          res.end(String(err));
        });
        out.end(Buffer.concat(chunks));
      }, delayMs);
    });
  };
  const server = tls ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, handle) : createHttpServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  url = `${tls ? "https" : "http"}://127.0.0.1:${port}`;
  return {
    url,
    count: () => requests,
    paths: () => [...paths],
    reset: () => {
      requests = 0;
      paths = [];
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
