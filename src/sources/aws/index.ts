import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { UserConfig } from "../../config/user-config.js";
import type { SourceContext, SourceResult, UsageSource } from "../types.js";

/**
 * Variables any one of which gives the SDK's default chain something to work with. An instance role shows in none:
 * it is found when AWS is named with --providers (chainDecides), not probed on every run.
 */
const credentialVariables = [
  "AWS_ACCESS_KEY_ID",
  "AWS_PROFILE",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
];

/** A shared credentials or config file (profiles, SSO) where the SDK looks for one. */
function sharedFileExists(env: NodeJS.ProcessEnv): boolean {
  const home = env.HOME || env.USERPROFILE || homedir();
  const files = [env.AWS_SHARED_CREDENTIALS_FILE || join(home, ".aws", "credentials"), env.AWS_CONFIG_FILE || join(home, ".aws", "config")];
  return files.some((file) => existsSync(file));
}

export const awsSource: UsageSource = {
  id: "aws",
  chainDecides: true,
  howToConfigure: "AWS: set AWS_PROFILE (or aws.profile in the config), access keys, or a web-identity token; the credentials need ce:GetCostAndUsage and ce:GetDimensionValues",
  isConfigured(config: UserConfig, env: NodeJS.ProcessEnv): boolean {
    if (config.aws?.profile) return true;
    if (credentialVariables.some((name) => env[name])) return true;
    return sharedFileExists(env);
  },
  async fetch(ctx: SourceContext): Promise<SourceResult> {
    // The SDK loads only when AWS is queried.
    const { fetchAwsUsage } = await import("./fetch.js");
    return fetchAwsUsage(ctx);
  },
  async plan(ctx) {
    const { planAws } = await import("./plan.js");
    return planAws(ctx);
  },
};
