import { ProviderError } from "../../errors.js";
import type { UsageSource } from "../types.js";

export const awsSource: UsageSource = {
  id: "aws",
  howToConfigure: "not implemented yet",
  isConfigured: () => false,
  async fetch() {
    throw new ProviderError("aws", "not implemented yet");
  },
};
