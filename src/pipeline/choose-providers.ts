import { checkKeyLimits } from "../attribution/limits.js";
import type { CliOptions } from "../cli/options.js";
import { UsageError } from "../errors.js";
import type { ProviderId } from "../schema.js";
import { sources } from "../sources/registry.js";
import type { Setup } from "./setup.js";

/** Which providers to query: exactly --providers, or every configured one. */
export function chooseProviders(opts: CliOptions, setup: Setup, env: NodeJS.ProcessEnv): ProviderId[] {
  if (opts.providers) {
    for (const id of opts.providers) {
      if (!sources[id].chainDecides && !sources[id].isConfigured(setup.config, env)) throw new UsageError(`${id} is not configured: ${sources[id].howToConfigure}`);
    }
    return checkKeyLimits(opts.providers, opts.groupKeys);
  }
  const configured = (Object.keys(sources) as ProviderId[]).filter((id) => sources[id].isConfigured(setup.config, env));
  if (configured.length === 0) {
    throw new UsageError(
      "no provider is configured: set AWS credentials, AZURE_SUBSCRIPTION_ID or --gcp-table (see README; on an AWS instance or task role, name it: --providers aws), or try carbon-track --demo",
    );
  }
  return checkKeyLimits(configured, opts.groupKeys);
}
