import { z } from "zod";
import { checkAnswer } from "../../net/answer-shape.js";
import { assertSameOrigin, managementEndpoint, noContent, NotAnAnswer, sendJson, type CallOptions, type Send } from "./client.js";

// Query one subscription per request (PROVIDERS.md), so wider scopes are listed as subscriptions first.
const Descendants = z.object({
  value: z.array(z.object({ name: z.string(), type: z.string() })),
  nextLink: z.string().url().nullish(),
});
const BillingSubscriptions = z.object({
  value: z.array(z.object({ properties: z.object({ subscriptionId: z.string().optional() }).passthrough() })),
  nextLink: z.string().url().nullish(),
});

const managementGroup = /^\/providers\/Microsoft\.Management\/managementGroups\/[^/]+$/i;

/** The first page's URL for a scope: all descendants of a management group, or a billing scope's subscriptions. */
export function scopeListingUrl(scope: string, env: NodeJS.ProcessEnv): string {
  const base = `${managementEndpoint(env)}${scope.replace(/\/+$/, "")}`;
  return managementGroup.test(scope)
    ? `${base}/descendants?api-version=2020-05-01`
    : `${base}/billingSubscriptions?api-version=2024-04-01`;
}

/** The subscription ids under a management-group or billing scope, every page read. */
export async function subscriptionsInScope(
  scope: string,
  deps: { send: Send; env: NodeJS.ProcessEnv; opts: CallOptions; retry: <T>(call: () => Promise<T>) => Promise<T> },
): Promise<string[]> {
  const ids: string[] = [];
  const isGroup = managementGroup.test(scope);
  for (let url: string | null | undefined = scopeListingUrl(scope, deps.env); url; ) {
    assertSameOrigin(url, deps.env);
    const pageUrl: string = url;
    const json = await deps.retry(() => sendJson(deps.send, { url: pageUrl, method: "GET" }, deps.opts));
    if (isGroup) {
      const page = listing(Descendants, json);
      ids.push(...page.value.filter((d) => /\/subscriptions$/i.test(d.type)).map((d) => d.name));
      url = page.nextLink;
    } else {
      const page = listing(BillingSubscriptions, json);
      ids.push(...page.value.flatMap((s) => (s.properties.subscriptionId ? [s.properties.subscriptionId] : [])));
      url = page.nextLink;
    }
  }
  return ids;
}

/** A listing page of the shape Resource Manager sends (`value` always present), or a failure naming what is wrong. */
function listing<S extends z.ZodTypeAny>(schema: S, answer: unknown): z.infer<S> {
  if (answer === noContent) throw new NotAnAnswer("Resource Manager answered a subscription listing with 204 No Content");
  const checked = checkAnswer(schema, answer);
  if (checked.ok) return checked.data;
  throw new NotAnAnswer(`Resource Manager answered HTTP 200 with a body that is not a subscription listing (${checked.why})`);
}
