import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/watttime/${name}`, import.meta.url), "utf8");
const DAY_MS = 86_400_000;

export interface FakeWattTimeOptions {
  username?: string;
  password?: string;
  /** Zones the account reads /v3/historical for; with `forecast`, replaces the free plan's my-access fixture. */
  historical?: string[];
  forecast?: string[];
  periodSeconds?: number;
  /** MOER (lbs/MWh) of the point starting at `startMs`, or undefined for a gap. */
  value?: (zone: string, startMs: number) => number | undefined;
  /** No point at or after this instant is published yet. */
  publishedUntilMs?: number;
  /** The zero-horizon forecast's first point. */
  current?: { zone?: string; startMs: number; value: number };
  /** A token stops working after this many data calls (then 401), like an expired JWT. */
  tokenCalls?: number;
  regionFromLoc?: (latitude: number, longitude: number) => string;
  /** Hold each /v3/historical answer this long, so that parallel calls overlap. */
  historicalDelayMs?: number;
}

export interface LoggedRequest {
  path: string;
  query: URLSearchParams;
  authorization: string;
}

export interface FakeWattTime {
  url: string;
  log: LoggedRequest[];
  count(path: string): number;
  /** The most /v3/historical calls in flight at once. */
  maxConcurrentHistorical(): number;
  /** The next answer to `path` is this one (status, body, headers), once per call. */
  inject(path: string, status: number, body: string, headers?: Record<string, string>): void;
  close(): Promise<void>;
}

/** A deterministic, realistic-looking MOER: a daily cycle around 900 lbs/MWh. */
export const defaultMoer = (_zone: string, startMs: number): number =>
  Math.round(900 + 300 * Math.sin((2 * Math.PI * (startMs % DAY_MS)) / DAY_MS));

/** A loopback fake of WattTime API v3: the paths, auth and shapes the real API documents. */
export async function startFakeWattTime(opts: FakeWattTimeOptions = {}): Promise<FakeWattTime> {
  const username = opts.username ?? "carbon-test";
  const password = opts.password ?? "pa55-Word!secret";
  const periodSeconds = opts.periodSeconds ?? 300;
  const value = opts.value ?? defaultMoer;
  const tokens = new Map<string, number>();
  const log: LoggedRequest[] = [];
  const injected = new Map<string, { status: number; body: string; headers: Record<string, string> }[]>();
  const access: MyAccess =
    opts.historical || opts.forecast
      ? myAccess(opts.historical ?? [], opts.forecast ?? [], periodSeconds)
      : (JSON.parse(fixture("my-access-free.json")) as MyAccess);
  const readable = (zone: string, endpoint: string): boolean =>
    access.signal_types.some(
      (s) => s.signal_type === "co2_moer" && s.regions.some((r) => r.region === zone && r.endpoints.some((e) => e.endpoint === endpoint)),
    );

  const send = (res: ServerResponse, status: number, body: unknown, type = "application/json", headers: Record<string, string> = {}): void => {
    res.writeHead(status, { "content-type": type, ...headers });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };
  const meta = (zone: string) => ({
    region: zone,
    signal_type: "co2_moer",
    units: "lbs_co2_per_mwh",
    data_point_period_seconds: periodSeconds,
    model: { date: "2023-03-01", type: "binned_regression" },
    warnings: [] as unknown[],
  });

  let inFlight = 0;
  let maxInFlight = 0;
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    log.push({ path: url.pathname, query: url.searchParams, authorization: req.headers.authorization ?? "" });
    const queued = injected.get(url.pathname)?.shift();
    if (queued) return send(res, queued.status, queued.body, queued.body.startsWith("{") ? "application/json" : "text/html", queued.headers);

    if (url.pathname === "/login") {
      const expected = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
      if (req.headers.authorization !== expected) return send(res, 403, fixture("login-forbidden.html"), "text/html; charset=utf-8");
      const token = randomBytes(24).toString("base64url");
      tokens.set(token, opts.tokenCalls ?? Number.POSITIVE_INFINITY);
      return send(res, 200, { token });
    }
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const left = bearer === undefined ? undefined : tokens.get(bearer);
    if (bearer === undefined || left === undefined || left <= 0) return send(res, 401, { error: "Unauthorized", message: "Token expired or invalid" });
    tokens.set(bearer, left - 1);

    const q = url.searchParams;
    const zone = q.get("region") ?? "";
    switch (url.pathname) {
      case "/v3/my-access":
        return send(res, 200, access);
      case "/v3/region-from-loc":
      {
        const region = opts.regionFromLoc?.(Number(q.get("latitude")), Number(q.get("longitude"))) ?? "CAISO_NORTH";
        return send(res, 200, { region, region_full_name: region, signal_type: "co2_moer" });
      }
      case "/v3/historical": {
        if (!readable(zone, "v3/historical")) return send(res, 403, fixture("scope-forbidden.json"));
        const start = q.get("start") ?? "";
        const end = q.get("end") ?? "";
        const zoned = [start, end].every((s) => /(Z|[+-]\d\d:\d\d)$/.test(s));
        if (!zoned || q.get("signal_type") !== "co2_moer") return send(res, 400, { error: "start and end need a timezone" });
        const startMs = Date.parse(start);
        const endMs = Date.parse(end);
        if (!(endMs > startMs) || endMs - startMs > 32 * DAY_MS) return send(res, 400, { error: "time range must be at most 32 days" });
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((r) => setTimeout(r, opts.historicalDelayMs ?? 0));
        inFlight--;
        const data = [];
        const first = Math.ceil(startMs / (periodSeconds * 1000)) * periodSeconds * 1000;
        // Both ends inclusive, as the real API.
        for (let t = first; t <= endMs && t < (opts.publishedUntilMs ?? Number.POSITIVE_INFINITY); t += periodSeconds * 1000) {
          const v = value(zone, t);
          if (v !== undefined) data.push({ point_time: new Date(t).toISOString().replace(".000Z", "+00:00"), value: v });
        }
        return send(res, 200, { data, meta: meta(zone) });
      }
      case "/v3/forecast": {
        if (!readable(zone, "v3/forecast")) return send(res, 403, fixture("scope-forbidden.json"));
        const c = opts.current;
        const data = c && (c.zone ?? zone) === zone ? [{ point_time: new Date(c.startMs).toISOString().replace(".000Z", "+00:00"), value: c.value }] : [];
        return send(res, 200, { data, meta: { ...meta(zone), generated_at: data[0]?.point_time ?? null, horizon_hours: Number(q.get("horizon_hours") ?? 24) } });
      }
      default:
        return send(res, 404, { error: "Not Found" });
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    log,
    count: (path) => log.filter((r) => r.path === path).length,
    maxConcurrentHistorical: () => maxInFlight,
    inject(path, status, body, headers = {}) {
      injected.set(path, [...(injected.get(path) ?? []), { status, body, headers }]);
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

interface MyAccess {
  signal_types: { signal_type: string; regions: { region: string; endpoints: { endpoint: string }[] }[] }[];
}

function myAccess(historical: string[], forecast: string[], periodSeconds: number): MyAccess {
  const model = { model: "2023-03-01", data_start: "2022-10-01", type: "binned_regression" };
  const zones = [...new Set([...historical, ...forecast])];
  return {
    signal_types: [
      {
        signal_type: "co2_moer",
        regions: zones.map((region) => ({
          region,
          region_full_name: region,
          data_point_period_seconds: periodSeconds,
          endpoints: [
            ...(forecast.includes(region) ? [{ endpoint: "v3/forecast", models: [model] }] : []),
            ...(historical.includes(region) ? [{ endpoint: "v3/historical", models: [model] }] : []),
          ],
        })),
      },
    ],
  };
}
