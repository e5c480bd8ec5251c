import type { UsageSource } from "../types.js";

/** Azure Cost Management. Light on purpose: the Azure SDK loads only when Azure is queried. */
export const azureSource: UsageSource = {
  id: "azure",
  howToConfigure: "set AZURE_SUBSCRIPTION_ID (or azure.subscriptions / azure.scopes in --config) and sign in with az login; the identity needs Cost Management Reader",
  isConfigured: (config, env) =>
    (config.azure?.subscriptions?.length ?? 0) > 0 || (config.azure?.scopes?.length ?? 0) > 0 || Boolean(env.AZURE_SUBSCRIPTION_ID?.trim()),
  async fetch(ctx) {
    const { fetchAzureUsage } = await import("./fetch.js");
    return fetchAzureUsage(ctx);
  },
  async plan(ctx) {
    const { planAzure } = await import("./plan.js");
    return planAzure(ctx);
  },
};
