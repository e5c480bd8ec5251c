import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  GetDimensionValuesCommand,
  type GetCostAndUsageCommandInput,
  type GetCostAndUsageCommandOutput,
  type GetDimensionValuesCommandInput,
  type GetDimensionValuesCommandOutput,
} from "@aws-sdk/client-cost-explorer";
import { ConfiguredRetryStrategy } from "@smithy/core/retry";
import type { UserConfig } from "../../config/user-config.js";
import type { z } from "zod";
import { checkAnswer } from "../../net/answer-shape.js";
import type { HttpPolicy } from "../../net/http-policy.js";
import { ProviderError } from "../../errors.js";
import { boundedHandler } from "./bounded-handler.js";
import { CostAndUsagePage, DimensionValuesPage } from "./wire.js";

/** Cost Explorer has one endpoint for the whole aws partition, in us-east-1. */
const costExplorerRegion = "us-east-1";
const maxBackoffMs = 20_000;

/** Full-jitter exponential backoff: base, then doubling, each drawn from its upper half, capped. */
export function backoffMs(policy: HttpPolicy, attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.retryBaseMs * 2 ** Math.max(0, attempt - 1), maxBackoffMs);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * The SDK's own default chain finds credentials (env, profiles and SSO, web identity, container and instance roles)
 * and its own configuration finds the endpoint (AWS_ENDPOINT_URL_COST_EXPLORER): nothing is re-implemented here.
 * Its retry machinery classifies throttling and transient errors; only the pacing and the attempt count are ours.
 */
export function createClient(config: UserConfig, http: HttpPolicy): CostExplorerClient {
  // The SDK's notice that its future releases need a newer Node is for this tool's maintainers (package.json
  // engines), not for a person reading a report: 8 lines on stderr at every run. The SDK reads only process.env.
  if (!process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED) process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const client = new CostExplorerClient({
    region: costExplorerRegion,
    // Undefined lets the SDK read AWS_PROFILE itself.
    profile: config.aws?.profile,
    // Without throwOnRequestTimeout the handler only logs a slow request and keeps waiting.
    requestHandler: { requestTimeout: http.timeoutMs, connectionTimeout: http.timeoutMs, throwOnRequestTimeout: true },
    retryStrategy: new ConfiguredRetryStrategy(http.maxAttempts, (attempt) => backoffMs(http, attempt)),
  });
  // The handler is read at each send: wrapping the one the SDK built keeps its agents and its configuration.
  client.config.requestHandler = boundedHandler(client.config.requestHandler, http);
  return client;
}

/** Counts every page asked for (each is billed), by operation. */
export class CostExplorerCalls {
  readonly requests: Record<string, number> = {};

  constructor(
    private readonly client: CostExplorerClient,
    private readonly signal: AbortSignal,
  ) {}

  /** Every page of instance-type values; the SDK has no paginator that this could reuse with a filter. */
  async dimensionValues(input: GetDimensionValuesCommandInput): Promise<string[]> {
    const values: string[] = [];
    let token: string | undefined;
    do {
      const output: GetDimensionValuesCommandOutput = await this.send("GetDimensionValues", () =>
        this.client.send(new GetDimensionValuesCommand({ ...input, NextPageToken: token }), { abortSignal: this.signal }),
      );
      const page = checked(DimensionValuesPage, output, "GetDimensionValues");
      for (const v of page.DimensionValues) values.push(v.Value);
      token = page.NextPageToken || undefined;
    } while (token);
    return values;
  }

  /**
   * Every page of a GetCostAndUsage query. Pages must repeat the query unchanged but for the token,
   * or Cost Explorer answers RequestChangedException.
   */
  async *costAndUsagePages(input: GetCostAndUsageCommandInput): AsyncGenerator<CostAndUsagePage> {
    let token: string | undefined;
    do {
      const output: GetCostAndUsageCommandOutput = await this.send("GetCostAndUsage", () =>
        this.client.send(new GetCostAndUsageCommand({ ...input, NextPageToken: token }), { abortSignal: this.signal }),
      );
      const page = checked(CostAndUsagePage, output, "GetCostAndUsage");
      yield page;
      token = page.NextPageToken || undefined;
    } while (token);
  }

  private send<T>(operation: string, call: () => Promise<T>): Promise<T> {
    this.requests[operation] = (this.requests[operation] ?? 0) + 1;
    return call();
  }
}

/** An SDK output of the shape the operation always has, or a failure naming what is wrong (never an empty page). */
function checked<S extends z.ZodTypeAny>(schema: S, output: unknown, operation: string): z.infer<S> {
  const answer = checkAnswer(schema, output);
  if (answer.ok) return answer.data;
  throw new ProviderError("aws", `Cost Explorer answered HTTP 200 with a body that is not a ${operation} result (${answer.why})`);
}
