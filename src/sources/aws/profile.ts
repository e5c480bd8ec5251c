import { parseKnownFiles } from "@smithy/core/config";
import type { SourceContext } from "../types.js";

/**
 * When the SDK found no credentials and a profile was named (aws.profile in the config, else AWS_PROFILE): that
 * profile's name and where it came from, if neither shared file has it. The SDK then says only "Could not load
 * credentials from any providers", which sends a person looking for a variable they did set.
 */
export async function missingProfile(error: unknown, ctx: Pick<SourceContext, "config" | "env">): Promise<string | null> {
  if (!(error instanceof Error) || error.name !== "CredentialsProviderError") return null;
  const fromConfig = ctx.config.aws?.profile;
  const name = fromConfig ?? ctx.env.AWS_PROFILE;
  if (!name) return null;
  // The SDK's own reader of ~/.aws/config and ~/.aws/credentials (and AWS_CONFIG_FILE, AWS_SHARED_CREDENTIALS_FILE).
  const profiles = await parseKnownFiles({}).catch(() => ({}) as Record<string, unknown>);
  if (Object.hasOwn(profiles, name)) return null;
  const where = fromConfig ? "aws.profile in the config" : "AWS_PROFILE";
  return `the AWS profile "${name}" (${where}) is in neither ~/.aws/config nor ~/.aws/credentials: check its name (aws configure list-profiles)`;
}
