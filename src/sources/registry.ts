import type { ProviderId } from "../schema.js";
import { awsSource } from "./aws/index.js";
import { azureSource } from "./azure/index.js";
import { gcpSource } from "./gcp/index.js";
import type { UsageSource } from "./types.js";

/** Every billing source, in the order they are reported. A new provider is one module and one line here. */
export const sources: Readonly<Record<ProviderId, UsageSource>> = {
  aws: awsSource,
  azure: azureSource,
  gcp: gcpSource,
};
