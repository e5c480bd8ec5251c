import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";

/**
 * A loopback HTTPS fake of Azure Carbon Optimization's `POST /providers/Microsoft.Carbon/carbonEmissionReports`
 * (api-version 2025-04-01), answering ItemDetailsReport requests from a fixture of pages per month. It checks what
 * the service requires of a request (Azure/azure-rest-api-specs `specification/carbon`, main.tsp): one month, the
 * first of it, in start and end; lowercase subscriptions, at most 100; a page size of 1 to 5,000; and it links the
 * pages with `skipToken`, sent back in the next request's body.
 */
export interface CarbonPage {
  value: unknown[];
  subscriptionAccessDecisionList?: unknown[];
}

export interface AzureCarbonFake {
  url: string;
  bodies: Record<string, unknown>[];
  /** Problems found in each request, one line each (empty when it was right). */
  problems: string[][];
  close(): Promise<void>;
}

const send = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
};

export function checkReportRequest(body: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const need = (ok: boolean, what: string): void => void (ok || problems.push(what));
  need(body.reportType === "ItemDetailsReport", "reportType is not ItemDetailsReport");
  need(body.categoryType === "Resource", "categoryType is not Resource");
  const range = body.dateRange as { start?: string; end?: string } | undefined;
  need(/^\d{4}-\d{2}-01$/.test(range?.start ?? "") && range?.start === range?.end, "dateRange is not one month (start = end = yyyy-MM-01)");
  const subs = body.subscriptionList as string[] | undefined;
  need(Array.isArray(subs) && subs.length > 0 && subs.length <= 100 && subs.every((s) => s === s.toLowerCase()), "subscriptionList is not 1-100 lowercase ids");
  need(Array.isArray(body.carbonScopeList) && (body.carbonScopeList as unknown[]).length > 0, "carbonScopeList is empty");
  need(typeof body.pageSize === "number" && body.pageSize >= 1 && body.pageSize <= 5000, "pageSize is not 1-5000");
  need(typeof body.orderBy === "string" && typeof body.sortDirection === "string", "orderBy or sortDirection missing");
  return problems;
}

export async function startAzureCarbonFake(opts: {
  certPem: string;
  keyPem: string;
  token: string;
  months: Record<string, { pages: CarbonPage[] }>;
  /** Answer every report with this status and an ARM error body. */
  status?: number;
}): Promise<AzureCarbonFake> {
  const bodies: Record<string, unknown>[] = [];
  const problems: string[][] = [];
  const server = createServer({ cert: opts.certPem, key: opts.keyPem }, (req: IncomingMessage, res: ServerResponse) => {
    let text = "";
    req.on("data", (d: Buffer) => (text += d.toString()));
    req.on("end", () => {
      const url = new URL(req.url ?? "/", "https://127.0.0.1");
      if (req.headers.authorization !== `Bearer ${opts.token}`) return send(res, 401, { error: { code: "AuthenticationFailed", message: "bad token" } });
      if (req.method !== "POST" || url.pathname !== "/providers/Microsoft.Carbon/carbonEmissionReports") return send(res, 404, { error: { code: "NotFound", message: url.pathname } });
      if (url.searchParams.get("api-version") !== "2025-04-01") return send(res, 400, { error: { code: "InvalidApiVersion", message: "api-version" } });
      if (opts.status) return send(res, opts.status, { error: { code: "AuthorizationFailed", message: "The client does not have authorization to perform action 'Microsoft.Carbon/carbonEmissionReports/action'." } });
      const body = JSON.parse(text) as Record<string, unknown>;
      bodies.push(body);
      const found = checkReportRequest(body);
      problems.push(found);
      if (found.length > 0) return send(res, 400, { error: { code: "BadRequest", message: found.join("; ") } });
      const month = String((body.dateRange as { start: string }).start).slice(0, 7);
      const pages = opts.months[month]?.pages ?? [{ value: [] }];
      const at = typeof body.skipToken === "string" ? Number(body.skipToken.replace("page-", "")) : 0;
      const page = pages[at] ?? { value: [] };
      send(res, 200, { ...page, ...(at + 1 < pages.length ? { skipToken: `page-${at + 1}` } : {}) });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    bodies,
    problems,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
