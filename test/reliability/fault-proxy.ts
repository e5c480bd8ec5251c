import { request as httpRequest, createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { request as httpsRequest, createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";

/**
 * A loopback proxy in front of a provider fake that misbehaves the way a network or a service does: it answers
 * a matching request itself (an error status, a body that is not JSON, nothing at all) or forwards it and cuts
 * the answer off half-way. Everything else passes through unchanged, so the fake's own checks still run.
 * One proxy serves every provider: the faults are the same whatever the wire protocol.
 */

export type Fault =
  /** An HTTP answer of the proxy's own: throttling, 5xx, an expired token, a permission error, a malformed body. */
  | { kind: "answer"; status: number; body: string; headers?: Record<string, string> }
  /** Accept the request and never answer: only the client's timeout can end the call. */
  | { kind: "hang" }
  /** Forward, then send the upstream status and headers (its full Content-Length) and half the body, and drop the connection. */
  | { kind: "truncate" }
  /**
   * An error answer whose message quotes the request's headers, Authorization included, as some gateways and
   * proxies do; shaped so every provider's client reads the message (`error.message`, `message`, `__type`).
   */
  | { kind: "echo"; status: number }
  /** Forward, then send the upstream status and headers at once and the body one byte every `everyMs`: headers on time, the body never. */
  | { kind: "drip"; everyMs: number };

export interface FaultRule {
  /** Which requests the fault hits (the others are forwarded). */
  match: (req: { method: string; path: string; headers: IncomingMessage["headers"] }) => boolean;
  fault: Fault;
  /** How many matching requests fail: 1 for a transient fault, Infinity for a lasting one. */
  times: number;
}

export interface FaultProxy {
  url: string;
  /** Matching requests seen, faulted or not. */
  hits: number;
  /** Requests answered with a fault. */
  faulted: number;
  close(): Promise<void>;
}

export interface ProxyTls {
  /** Served to the client (the test certificate for 127.0.0.1). */
  certPem: string;
  keyPem: string;
}

const readBody = async (req: IncomingMessage): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/** Starts the proxy on 127.0.0.1:0 in front of `upstream` (http or https; an https upstream is trusted with `tls.certPem`). */
export async function startFaultProxy(upstream: string, rule: FaultRule, tls?: ProxyTls): Promise<FaultProxy> {
  const target = new URL(upstream);
  const state = { hits: 0, faulted: 0, left: rule.times };
  let self = "";

  const forward = (req: IncomingMessage, body: Buffer): Promise<IncomingMessage> =>
    new Promise((resolve, reject) => {
      const send = target.protocol === "https:" ? httpsRequest : httpRequest;
      const out = send(
        {
          host: target.hostname,
          port: target.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: target.host },
          ...(tls ? { ca: tls.certPem } : {}),
        },
        resolve,
      );
      out.on("error", reject);
      out.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const body = await readBody(req);
    const path = req.url ?? "/";
    const hit = rule.match({ method: req.method ?? "", path, headers: req.headers });
    if (hit) state.hits += 1;
    const fault = hit && state.left > 0 ? rule.fault : undefined;
    if (fault) {
      state.left -= 1;
      state.faulted += 1;
    }
    if (fault?.kind === "hang") return;
    if (fault?.kind === "echo") {
      const message = `request rejected: ${JSON.stringify(req.headers)}`;
      res.writeHead(fault.status, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: { code: "RequestRejected", message }, message, __type: "RequestRejected" }));
      return;
    }
    if (fault?.kind === "answer") {
      res.writeHead(fault.status, { "content-type": "application/json", ...fault.headers });
      res.end(fault.body);
      return;
    }
    const answer = await forward(req, body);
    // Links in the answer (Azure's nextLink) must lead back through the proxy, as the client would follow them.
    const full = Buffer.from((await readBody(answer)).toString("utf8").replaceAll(target.origin, self));
    if (fault?.kind === "truncate") {
      const headers = { ...answer.headers, "content-length": String(full.length) };
      delete headers["transfer-encoding"];
      res.writeHead(answer.statusCode ?? 502, headers);
      res.write(full.subarray(0, Math.floor(full.length / 2)), () => res.socket?.destroy());
      return;
    }
    const headers = { ...answer.headers, "content-length": String(full.length) };
    delete headers["transfer-encoding"];
    res.writeHead(answer.statusCode ?? 502, headers);
    if (fault?.kind === "drip") {
      res.flushHeaders();
      let sent = 0;
      const timer = setInterval(() => {
        if (sent < full.length) res.write(full.subarray(sent, ++sent));
        else res.end();
      }, fault.everyMs);
      res.on("close", () => clearInterval(timer));
      return;
    }
    res.end(full);
  };

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    handle(req, res).catch(() => res.socket?.destroy());
  };
  const server = tls ? createHttpsServer({ cert: tls.certPem, key: tls.keyPem }, listener) : createHttpServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  self = `${tls ? "https" : "http"}://127.0.0.1:${port}`;
  return {
    url: self,
    get hits() {
      return state.hits;
    },
    get faulted() {
      return state.faulted;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
