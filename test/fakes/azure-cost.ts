import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";

/** One usage line of a subscription, for a fake that evaluates each query (`lines`). */
export interface UsageLine {
  day: string;
  meter: string;
  location: string;
  quantity: number;
  cost: number;
  /** The resource's tags; names are case-insensitive, as in Azure. */
  tags?: Record<string, string>;
}

/**
 * What one subscription answers. Rows use `dayOffset` in the UsageDate column: days after the query's `from`.
 * With `lines` instead, each query is evaluated: the time period, a ResourceLocation filter, and the grouping by
 * Dimension (Meter, ResourceLocation) and TagKey, answered in the service's column shape (TagKey and TagValue, both
 * empty for usage without the tag), at most two groupings.
 */
export interface SubscriptionScript {
  columns?: Array<{ name: string; type: string }>;
  pages?: unknown[][][];
  lines?: UsageLine[];
  /** Answer this status (with an ARM error body) to every query. */
  status?: number;
  /** Never answer: the client's timeout must fire. */
  hang?: boolean;
  /** Throttle the first N query attempts with 429 and these headers. */
  throttle?: { times: number; headers: Record<string, string> };
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
  atMs: number;
}

export interface AzureFake {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

const queryPath = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.CostManagement\/query$/i;
const descendantsPath = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)\/descendants$/i;

const send = (res: ServerResponse, status: number, body?: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
};

const compactDay = (ms: number): number => Number(new Date(ms).toISOString().slice(0, 10).replace(/-/g, ""));

interface QueryBody {
  timePeriod: { from: string; to: string };
  dataset: {
    grouping?: Array<{ type: "Dimension" | "TagKey"; name: string }>;
    filter?: { and?: Array<{ dimensions?: { name: string; operator: string; values: string[] } }> };
  };
}

/** One query over `lines`, as the service answers it: summed per day and grouping, in its column order. */
export function evaluateQuery(lines: readonly UsageLine[], query: QueryBody): { columns: Array<{ name: string; type: string }>; rows: unknown[][] } {
  const grouping = query.dataset.grouping ?? [];
  if (grouping.length > 2) throw new Error("Invalid query: at most 2 groupings");
  const from = query.timePeriod.from.slice(0, 10);
  const to = query.timePeriod.to.slice(0, 10);
  const locations = (query.dataset.filter?.and ?? []).map((f) => f.dimensions).find((d) => d?.name === "ResourceLocation")?.values;
  const cells = (l: UsageLine): unknown[] =>
    grouping.flatMap((g) => {
      if (g.type === "Dimension") return [g.name === "Meter" ? l.meter : l.location];
      const hit = Object.entries(l.tags ?? {}).find(([name]) => name.toLowerCase() === g.name.toLowerCase());
      return hit ? [g.name, hit[1]] : ["", ""];
    });
  const sums = new Map<string, unknown[]>();
  for (const l of lines) {
    if (l.day < from || l.day > to || (locations && !locations.includes(l.location))) continue;
    const key = [Number(l.day.replace(/-/g, "")), ...cells(l)];
    const id = JSON.stringify(key);
    const row = sums.get(id) ?? [0, 0, ...key, "USD"];
    row[0] = Number(row[0]) + l.quantity;
    row[1] = Number(row[1]) + l.cost;
    sums.set(id, row);
  }
  const columns = [
    { name: "UsageQuantity", type: "Number" },
    { name: "PreTaxCost", type: "Number" },
    { name: "UsageDate", type: "Number" },
    ...grouping.flatMap((g) => (g.type === "Dimension" ? [{ name: g.name, type: "String" }] : [{ name: "TagKey", type: "String" }, { name: "TagValue", type: "String" }])),
    { name: "Currency", type: "String" },
  ];
  return { columns, rows: [...sums.values()] };
}

/**
 * A loopback HTTPS fake of the Cost Management Query API (and management-group descendants).
 * Page N>1 is reached by POSTing the same body to the nextLink of page N-1, as the real service wants.
 */
export async function startAzureFake(opts: {
  certPem: string;
  keyPem: string;
  subscriptions: Record<string, SubscriptionScript>;
  managementGroups?: Record<string, string[]>;
  token: string;
}): Promise<AzureFake> {
  const requests: RecordedRequest[] = [];
  const attempts = new Map<string, number>();
  let base = "";
  const server = createServer({ cert: opts.certPem, key: opts.keyPem }, (req, res) => {
    let body = "";
    req.on("data", (d: Buffer) => (body += d.toString()));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", base);
      requests.push({ method: req.method ?? "", path: url.pathname + url.search, headers: req.headers, body, atMs: Date.now() });
      if (req.headers.authorization !== `Bearer ${opts.token}`) return send(res, 401, { error: { code: "AuthenticationFailed", message: "bad token" } });
      const group = descendantsPath.exec(url.pathname);
      if (group && req.method === "GET") {
        const subs = opts.managementGroups?.[group[1] ?? ""] ?? [];
        return send(res, 200, { value: subs.map((s) => ({ id: `/subscriptions/${s}`, name: s, type: "Microsoft.Management/managementGroups/subscriptions" })), nextLink: null });
      }
      const match = queryPath.exec(url.pathname);
      const script = match ? opts.subscriptions[match[1] ?? ""] : undefined;
      if (!match || req.method !== "POST") return send(res, 404, { error: { code: "NotFound", message: url.pathname } });
      if (!script) return send(res, 404, { error: { code: "SubscriptionNotFound", message: `subscription ${match[1]} not found` } });
      const key = match[1] ?? "";
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      if (script.hang) return;
      if (script.throttle && attempt <= script.throttle.times) {
        return send(res, 429, { error: { code: "429", message: "Too many requests. Please retry." } }, script.throttle.headers);
      }
      if (script.status) {
        return send(res, script.status, { error: { code: "RBACAccessDenied", message: `The client does not have authorization to perform action 'Microsoft.CostManagement/query/action' over scope '/subscriptions/${key}'.` } });
      }
      const query = JSON.parse(body) as QueryBody;
      if (script.lines) {
        const answer = evaluateQuery(script.lines, query);
        return send(res, 200, { id: `subscriptions/${key}/providers/Microsoft.CostManagement/query/1e8b`, name: "1e8b", type: "Microsoft.CostManagement/query", properties: { nextLink: null, ...answer } });
      }
      const fromMs = Date.parse(query.timePeriod.from);
      const pages = script.pages ?? [];
      if (pages.length === 0) return send(res, 204);
      const pageNo = Number(url.searchParams.get("$skiptoken") ?? "0");
      const columns = script.columns ?? [];
      const dateCol = columns.findIndex((c) => c.name === "UsageDate");
      const rows = (pages[pageNo] ?? []).map((row) => row.map((cell, i) => (i === dateCol ? compactDay(fromMs + Number(cell) * 86_400_000) : cell)));
      const nextLink = pageNo + 1 < pages.length
        ? `${base}/subscriptions/${key}/providers/Microsoft.CostManagement/query?api-version=2023-03-01&$skiptoken=${pageNo + 1}`
        : null;
      send(res, 200, {
        id: `subscriptions/${key}/providers/Microsoft.CostManagement/query/0d7a5b4c`,
        name: "0d7a5b4c",
        type: "Microsoft.CostManagement/query",
        properties: { nextLink, columns, rows },
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: base,
    requests,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
