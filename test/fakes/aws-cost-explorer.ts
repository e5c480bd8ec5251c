import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A loopback Cost Explorer speaking JSON 1.1 (POST /, X-Amz-Target AWSInsightsIndexService.<Operation>).
 * It holds billing line items and answers GetDimensionValues and GetCostAndUsage the way the service does:
 * filters evaluated (And/Or/Not over Dimensions), groups summed per day, End exclusive, paging with a token
 * bound to the query, errors as HTTP 400 with {"__type", "message"}. A TAG or COST_CATEGORY group key comes back
 * as the service writes it, `team$ml-research`, and `team$` for usage without the tag; at most two group-bys.
 */

export interface LineItem {
  account: string;
  service: string;
  usageTypeGroup: string;
  usageType: string;
  /** Absent for usage that is not an instance (storage, transfer). */
  instanceType?: string;
  unit: string;
  usdPerUnit: number;
  /** Quantity per UTC day, as Cost Explorer prints it. */
  daily: Record<string, string>;
  /** Cost-allocation tags of the resource (activated keys only); absent or missing key = untagged. */
  tags?: Record<string, string>;
  /** Cost category values of the line. */
  costCategories?: Record<string, string>;
}

export interface Dataset {
  accountNames: Record<string, string>;
  /** Days on or after this one are still Estimated. */
  estimatedFrom: string;
  items: LineItem[];
}

export interface FakeError {
  operation: "GetCostAndUsage" | "GetDimensionValues";
  type: string;
  message: string;
  /** How many consecutive calls fail; Infinity for a permanent refusal. */
  times: number;
}

export interface FakeOptions {
  /** Groups per GetCostAndUsage page. */
  pageSize?: number;
  /** Filter keys the fake pretends not to apply: shows the source does not rely on the server alone. */
  ignoreFilterKeys?: string[];
  errors?: FakeError[];
}

export interface RecordedRequest {
  operation: string;
  body: Record<string, unknown>;
  accessKeyId: string | undefined;
}

export interface FakeCostExplorer {
  url: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

export const loadDataset = (path: string): Dataset => JSON.parse(readFileSync(path, "utf8")) as Dataset;

type Expression = { And?: Expression[]; Or?: Expression[]; Not?: Expression; Dimensions?: { Key: string; Values: string[] } };

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const dimension = (item: LineItem, key: string): string => {
  switch (key) {
    case "LINKED_ACCOUNT":
      return item.account;
    case "SERVICE":
      return item.service;
    case "USAGE_TYPE":
      return item.usageType;
    case "USAGE_TYPE_GROUP":
      return item.usageTypeGroup;
    case "INSTANCE_TYPE":
      return item.instanceType ?? "NoInstanceType";
    default:
      throw new ApiError("ValidationException", `Dimension ${key} is not supported by this fake`);
  }
};

function matches(expr: Expression | undefined, item: LineItem, ignored: readonly string[]): boolean {
  if (!expr) return true;
  for (const list of [expr.And, expr.Or]) {
    if (list && list.length < 2) throw new ApiError("ValidationException", "And and Or expressions need at least 2 operands");
  }
  if (expr.And) return expr.And.every((e) => matches(e, item, ignored));
  if (expr.Or) return expr.Or.some((e) => matches(e, item, ignored));
  if (expr.Not) return !matches(expr.Not, item, ignored);
  if (expr.Dimensions) return ignored.includes(expr.Dimensions.Key) || expr.Dimensions.Values.includes(dimension(item, expr.Dimensions.Key));
  throw new ApiError("ValidationException", "Expression has no operator");
}

function days(start: string, end: string): string[] {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(start) || !/^\d{4}-\d{2}-\d{2}$/.test(end)) {
    throw new ApiError("ValidationException", "Start and End must be dates (yyyy-MM-dd) for DAILY granularity");
  }
  const out: string[] = [];
  for (let d = new Date(`${start}T00:00:00Z`); d < new Date(`${end}T00:00:00Z`); d.setUTCDate(d.getUTCDate() + 1)) {
    out.push(d.toISOString().slice(0, 10));
  }
  if (out.length === 0) throw new ApiError("ValidationException", "Start must be before End");
  return out;
}

const nextDay = (day: string): string => {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
};

const decimal = (n: number): string => String(Number(n.toFixed(10)));

const digest = (body: Record<string, unknown>): string => {
  const { NextPageToken: _ignored, ...query } = body;
  return createHash("sha256").update(JSON.stringify(query)).digest("hex").slice(0, 16);
};

function pageOffset(body: Record<string, unknown>): number {
  if (typeof body.NextPageToken !== "string") return 0;
  const [offset, hash] = Buffer.from(body.NextPageToken, "base64").toString().split(":");
  if (hash !== digest(body)) throw new ApiError("RequestChangedException", "The request changed between pages");
  return Number(offset);
}

function dimensionValues(data: Dataset, body: Record<string, unknown>, opts: FakeOptions) {
  const period = body.TimePeriod as { Start: string; End: string };
  const inWindow = new Set(days(period.Start, period.End));
  const values = new Set<string>();
  for (const item of data.items) {
    if (!Object.keys(item.daily).some((d) => inWindow.has(d))) continue;
    if (!matches(body.Filter as Expression | undefined, item, opts.ignoreFilterKeys ?? [])) continue;
    values.add(dimension(item, String(body.Dimension)));
  }
  const list = [...values].sort().map((Value) => ({ Value, Attributes: {} }));
  return { DimensionValues: list, ReturnSize: list.length, TotalSize: list.length };
}

type GroupDefinition = { Type: "DIMENSION" | "TAG" | "COST_CATEGORY"; Key: string };

/** A group key's value for one line item: a dimension's value, or `name$value` for a tag or a cost category. */
const groupKey = (item: LineItem, g: GroupDefinition): string =>
  g.Type === "TAG" ? `${g.Key}$${item.tags?.[g.Key] ?? ""}` : g.Type === "COST_CATEGORY" ? `${g.Key}$${item.costCategories?.[g.Key] ?? ""}` : dimension(item, g.Key);

function costAndUsage(data: Dataset, body: Record<string, unknown>, opts: FakeOptions) {
  if (body.Granularity !== "DAILY") throw new ApiError("ValidationException", "Hourly granularity is not enabled for this account");
  const period = body.TimePeriod as { Start: string; End: string };
  const definitions = body.GroupBy as GroupDefinition[];
  if (definitions.length > 2) throw new ApiError("ValidationException", "You can only group by up to two different dimensions, tags or cost categories");
  const metrics = body.Metrics as string[];
  const entries: Array<{ day: string; keys: string[]; quantity: number; cost: number; units: Set<string> }> = [];
  for (const day of days(period.Start, period.End)) {
    const groups = new Map<string, (typeof entries)[number]>();
    for (const item of data.items) {
      const amount = item.daily[day];
      if (amount === undefined || !matches(body.Filter as Expression | undefined, item, opts.ignoreFilterKeys ?? [])) continue;
      const keys = definitions.map((g) => groupKey(item, g));
      const group = groups.get(keys.join("\u0000")) ?? { day, keys, quantity: 0, cost: 0, units: new Set<string>() };
      group.quantity += Number(amount);
      group.cost += Number(amount) * item.usdPerUnit;
      group.units.add(item.unit);
      groups.set(keys.join("\u0000"), group);
    }
    entries.push(...[...groups.values()].sort((a, b) => a.keys.join().localeCompare(b.keys.join())));
  }
  const offset = pageOffset(body);
  const size = opts.pageSize ?? 5000;
  const slice = entries.slice(offset, offset + size);
  const touched = offset === 0 ? days(period.Start, period.End) : [...new Set(slice.map((e) => e.day))];
  const metric = (e: (typeof entries)[number], name: string) =>
    name === "UsageQuantity" ? { Amount: decimal(e.quantity), Unit: e.units.size === 1 ? [...e.units][0] : "N/A" } : { Amount: decimal(e.cost), Unit: "USD" };
  return {
    GroupDefinitions: definitions.map(({ Type, Key }) => ({ Type: Type ?? "DIMENSION", Key })),
    ResultsByTime: touched.map((day) => ({
      TimePeriod: { Start: day, End: nextDay(day) },
      Total: {},
      Groups: slice.filter((e) => e.day === day).map((e) => ({ Keys: e.keys, Metrics: Object.fromEntries(metrics.map((m) => [m, metric(e, m)])) })),
      Estimated: day >= data.estimatedFrom,
    })),
    DimensionValueAttributes: Object.entries(data.accountNames).map(([Value, description]) => ({ Value, Attributes: { description } })),
    ...(offset + size < entries.length ? { NextPageToken: Buffer.from(`${offset + size}:${digest(body)}`).toString("base64") } : {}),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  let text = "";
  for await (const chunk of req) text += String(chunk);
  return text;
}

export async function startFakeCostExplorer(data: Dataset, opts: FakeOptions = {}): Promise<FakeCostExplorer> {
  const requests: RecordedRequest[] = [];
  const errors = (opts.errors ?? []).map((e) => ({ ...e }));
  const reply = (res: ServerResponse, status: number, payload: unknown): void => {
    res.writeHead(status, { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": "00000000-fake-0000-0000-000000000000" });
    res.end(JSON.stringify(payload));
  };
  const server = createServer((req, res) => {
    void (async () => {
      const target = String(req.headers["x-amz-target"] ?? "");
      const operation = target.replace(/^AWSInsightsIndexService\./, "");
      const body = JSON.parse((await readBody(req)) || "{}") as Record<string, unknown>;
      const accessKeyId = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ""))?.[1];
      requests.push({ operation, body, accessKeyId });
      try {
        if (req.method !== "POST" || !target.startsWith("AWSInsightsIndexService.")) throw new ApiError("UnknownOperationException", target);
        const failure = errors.find((e) => e.operation === operation && e.times > 0);
        if (failure) {
          failure.times -= 1;
          throw new ApiError(failure.type, failure.message);
        }
        if (operation === "GetDimensionValues") return reply(res, 200, dimensionValues(data, body, opts));
        if (operation === "GetCostAndUsage") return reply(res, 200, costAndUsage(data, body, opts));
        throw new ApiError("UnknownOperationException", operation);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return reply(res, 400, { __type: `com.amazon.awsinsightsindexservice#${error.type}`, message: error.message });
      }
    })().catch((error: unknown) => reply(res, 500, { __type: "InternalServerException", message: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
