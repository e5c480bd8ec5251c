import { ProviderError } from "../../errors.js";
import type { UsageSource } from "../types.js";

export const gcpSource: UsageSource = {
  id: "gcp",
  howToConfigure: "not implemented yet",
  isConfigured: () => false,
  async fetch() {
    throw new ProviderError("gcp", "not implemented yet");
  },
};
