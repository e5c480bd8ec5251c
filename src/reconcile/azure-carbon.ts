import { isRestError } from "@azure/core-rest-pipeline";
import { z } from "zod";
import { ProviderError } from "../errors.js";
import { checkAnswer } from "../net/answer-shape.js";
import type { HttpPolicy } from "../net/http-policy.js";
import { createAzureClients, managementEndpoint, noContent, sendJson, type AzureTransport } from "../sources/azure/client.js";
import { describeFailure } from "../sources/azure/fetch.js";
import { withRetries } from "../sources/azure/retry.js";
import type { Redactor } from "../text/redact.js";
import { monthsBetween, type Month, type ProviderCell, type ProviderFigures } from "./model.js";

/**
 * Azure Carbon Optimization (REST `POST /providers/Microsoft.Carbon/carbonEmissionReports`, api-version 2025-04-01;
 * Azure/azure-rest-api-specs `specification/carbon`). An ItemDetailsReport covers one month; by `Resource` it names
 * each resource's subscription, location (a display name, "east us") and type, so one report per month gives every
 * subscription × region, virtual machines apart. Scope 2 is asked for alone: the figure closest to carbon-track's;
 * Microsoft does not say whether it is location- or market-based. Azure reports no model version.
 */
export const carbonApiVersion = "2025-04-01";

/** The resource types carbon-track's Azure GPU rows (VM meters) are billed under. */
export const azureComputeTypes = ["microsoft.compute/virtualmachines", "microsoft.compute/virtualmachinescalesets"];

/** At most 100 subscriptions per report (the API's limit); 5,000 items per page. */
const subscriptionsPerReport = 100;
const pageSize = 5000;

const Page = z.object({
  value: z.array(
    z
      .object({
        dataType: z.string(),
        latestMonthEmissions: z.number(),
        subscriptionId: z.string().optional(),
        location: z.string().nullish(),
        resourceType: z.string().nullish(),
      })
      .passthrough(),
  ),
  skipToken: z.string().nullish(),
  subscriptionAccessDecisionList: z.array(z.object({ subscriptionId: z.string(), decision: z.string(), denialReason: z.string().nullish() }).passthrough()).optional(),
});
type Page = z.infer<typeof Page>;

/** "east us 2" → "eastus2": the display name as the region code carbon-track's Azure rows carry. */
export const azureRegionCode = (location: string): string => location.toLowerCase().replace(/\s+/g, "");

export interface AzureCarbonRequest {
  subscriptions: readonly string[];
  env: NodeJS.ProcessEnv;
  http: HttpPolicy;
  signal: AbortSignal;
  redactor: Redactor;
  transport?: AzureTransport;
}

function explain(err: unknown): string {
  if (isRestError(err) && err.statusCode === 403) return "access denied (403): the identity needs the Carbon Optimization Reader role on the subscriptions";
  return describeFailure(err);
}

/** The body of one report: one month, the subscriptions, scope 2, item details by resource. */
export function reportBody(month: Month, subscriptions: readonly string[], skipToken?: string): Record<string, unknown> {
  return {
    reportType: "ItemDetailsReport",
    subscriptionList: subscriptions.map((s) => s.toLowerCase()),
    carbonScopeList: ["Scope2"],
    dateRange: { start: `${month}-01`, end: `${month}-01` },
    categoryType: "Resource",
    orderBy: "ItemName",
    sortDirection: "Asc",
    pageSize,
    ...(skipToken ? { skipToken } : {}),
  };
}

export async function readAzureCarbon(req: AzureCarbonRequest, months: { since: Month; until: Month }): Promise<ProviderFigures> {
  const clients = createAzureClients(req.env, req.transport ?? {}, req.redactor);
  const url = `${managementEndpoint(req.env)}/providers/Microsoft.Carbon/carbonEmissionReports?api-version=${carbonApiVersion}`;
  const opts = { timeoutMs: req.http.timeoutMs, abortSignal: req.signal };
  const denied = new Map<string, string>();
  const sums = new Map<string, ProviderCell>();
  const retry = <T>(call: () => Promise<T>): Promise<T> => withRetries(call, { policy: req.http, signal: req.signal, onAttempt: () => undefined });
  for (const month of monthsBetween(months.since, months.until)) {
    for (let at = 0; at < req.subscriptions.length; at += subscriptionsPerReport) {
      const subscriptions = req.subscriptions.slice(at, at + subscriptionsPerReport);
      let skipToken: string | undefined;
      do {
        const body = JSON.stringify(reportBody(month, subscriptions, skipToken));
        let answer: unknown;
        try {
          answer = await retry(() => sendJson(clients.sendArm, { url, method: "POST", body }, opts));
        } catch (err) {
          if (req.signal.aborted) throw err;
          throw new ProviderError("azure", `carbonEmissionReports for ${month}: ${explain(err)}`);
        }
        const checked = checkAnswer(Page, answer === noContent ? undefined : answer);
        if (!checked.ok) throw new ProviderError("azure", `carbonEmissionReports for ${month} answered with a body that is not a report (${checked.why})`);
        const page: Page = checked.data;
        for (const d of page.subscriptionAccessDecisionList ?? []) if (d.decision !== "Allowed") denied.set(d.subscriptionId, d.denialReason ?? d.decision);
        for (const item of page.value) {
          if (!item.subscriptionId) continue;
          const account = item.subscriptionId.toLowerCase();
          const region = azureRegionCode(item.location ?? "global");
          const key = `${month}\u0000${account}\u0000${region}`;
          const cell = sums.get(key) ?? { month, provider: "azure", account, region, modelVersion: null, serviceKg: 0, serviceMarketKg: null, allServicesKg: 0 };
          cell.allServicesKg += item.latestMonthEmissions;
          if (azureComputeTypes.includes((item.resourceType ?? "").toLowerCase())) cell.serviceKg += item.latestMonthEmissions;
          sums.set(key, cell);
        }
        skipToken = page.skipToken || undefined;
      } while (skipToken);
    }
  }
  const warnings = [...denied].map(([id, why]) => `azure: subscription ${id} was denied (${why}): its figures are missing`);
  return {
    provider: "azure",
    source: `Carbon Optimization carbonEmissionReports (api-version ${carbonApiVersion})`,
    basis: { service: "virtual machines", scopes: "2", method: "not stated" },
    cells: [...sums.values()],
    warnings,
  };
}
