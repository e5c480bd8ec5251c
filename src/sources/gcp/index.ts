import type { UsageSource } from "../types.js";

/** GCP: GPU hours from the Cloud Billing export in BigQuery. The SDK loads only when this source runs. */
export const gcpSource: UsageSource = {
  id: "gcp",
  howToConfigure: "GCP: set --gcp-table project.dataset.gcp_billing_export_v1_<BILLING_ACCOUNT> (or gcp.table in the config) and Application Default Credentials",
  isConfigured: (config) => Boolean(config.gcp?.table),
  async fetch(ctx) {
    const { fetchGcpUsage } = await import("./fetch.js");
    return fetchGcpUsage(ctx);
  },
  async plan(ctx) {
    const { planGcp } = await import("./plan.js");
    return planGcp(ctx);
  },
};
