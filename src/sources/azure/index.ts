import { ProviderError } from "../../errors.js";
import type { UsageSource } from "../types.js";

export const azureSource: UsageSource = {
  id: "azure",
  howToConfigure: "not implemented yet",
  isConfigured: () => false,
  async fetch() {
    throw new ProviderError("azure", "not implemented yet");
  },
};
