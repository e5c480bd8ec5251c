import { ProviderError } from "../../errors.js";
import { MAX_BODY_BYTES } from "../../net/http-policy.js";
import type { SourceContext } from "../types.js";

export const requiredActions = "ce:GetCostAndUsage and ce:GetDimensionValues";

/** Turns whatever the SDK threw into one line for a person, with any credential it quotes redacted. */
export function explainAwsError(error: unknown, ctx: Pick<SourceContext, "http" | "window" | "redactor">, profileProblem: string | null = null): ProviderError {
  if (error instanceof ProviderError) return error;
  if (profileProblem) return new ProviderError("aws", profileProblem);
  const name = errorName(error);
  // Redacted before the first line is taken: a header echoed over two lines must not leave half a token.
  const detail = firstLine(ctx.redactor.redact(error instanceof Error ? error.message : String(error)));
  const line = (() => {
    switch (name) {
      case "AccessDeniedException":
      case "AccessDenied":
        return `access denied by Cost Explorer: the credentials need the IAM actions ${requiredActions}`;
      case "DataUnavailableException":
        return "Cost Explorer has no data for this window yet (DataUnavailableException); it appears within 24 hours of enabling Cost Explorer";
      case "BillExpirationException":
        return "the window starts before the oldest data Cost Explorer keeps (BillExpirationException); choose a later --since";
      case "LimitExceededException":
      case "ThrottlingException":
        return `Cost Explorer kept throttling (${name}) after ${ctx.http.maxAttempts} attempts; try again later`;
      case "RequestChangedException":
        return "Cost Explorer's data changed while paging (RequestChangedException); run again";
      case "UnrecognizedClientException":
      case "InvalidClientTokenId":
      case "InvalidSignatureException":
      case "SignatureDoesNotMatch":
      case "ExpiredTokenException":
        return `Cost Explorer rejected the credentials (${name}); check AWS_PROFILE or the access key in use`;
      case "CredentialsProviderError":
        return "no AWS credentials found: set AWS_PROFILE, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or web identity, or aws.profile in the config, or run on an instance or task role";
      case "ConnectionFailed":
        // The code says which: refused, no such host, unreachable, a certificate the proxy replaced.
        return `could not reach Cost Explorer (${connectionCode(error)}) after retries: check the network, HTTPS_PROXY, or AWS_ENDPOINT_URL_COST_EXPLORER if set`;
      case "TimeoutError":
      case "RequestTimeout":
        return `no answer from Cost Explorer within ${ctx.http.timeoutMs} ms`;
      case "AbortError":
        return "interrupted";
      case "SyntaxError":
        // The body is not echoed: it may be anything a broken proxy sends.
        return "Cost Explorer sent an answer that is not valid JSON; run again later";
      case "BodyTooLargeError":
        return `Cost Explorer's answer is larger than ${MAX_BODY_BYTES / (1024 * 1024)} MiB: refused`;
      case "ConnectionDropped":
        return `the connection to Cost Explorer dropped mid-answer on every one of ${ctx.http.maxAttempts} attempts; run again later`;
      case "ValidationException":
        return ctx.window.granularity === "hourly"
          ? `Cost Explorer rejected the hourly query (${detail}); hourly data must be enabled in the account and covers only the last 14 days`
          : `Cost Explorer rejected the query: ${detail}`;
      default:
        return `${name}: ${detail}`;
    }
  })();
  return new ProviderError("aws", line);
}

function errorName(error: unknown): string {
  if (error instanceof Error) {
    // Timeouts surface as Node socket errors carrying a code rather than a name.
    const code = (error as { code?: unknown }).code;
    if (code === "ETIMEDOUT") return "TimeoutError";
    // A body cut off half-way: Node says "aborted" (or resets the socket) once the connection drops.
    if (code === "ECONNRESET" || code === "EPIPE" || error.message === "aborted") return "ConnectionDropped";
    if (typeof code === "string" && connectionCodes.test(code)) return "ConnectionFailed";
    return error.name;
  }
  return "Error";
}

/** Node's codes for a connection that could not be made (DNS, routing, refusal, TLS). */
const connectionCodes = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EADDRNOTAVAIL|CERT_\w+|UNABLE_TO_\w+|SELF_SIGNED_\w+|DEPTH_ZERO_SELF_SIGNED_CERT|ERR_TLS_\w+)$/;

const connectionCode = (error: unknown): string => String((error as { code?: unknown }).code);

function firstLine(text: string): string {
  return text.split("\n")[0]?.trim() || "no message";
}
