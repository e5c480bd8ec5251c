import { CostManagementClient, type QueryDefinition } from "@azure/arm-costmanagement";
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createHttpHeaders,
  createPipelineFromOptions,
  createPipelineRequest,
  RestError,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
  type TlsSettings,
} from "@azure/core-rest-pipeline";
import type { TokenCredential } from "@azure/identity";
import { DefaultAzureCredential } from "@azure/identity";
import type { Redactor } from "../../text/redact.js";
import type { z } from "zod";
import { checkAnswer } from "../../net/answer-shape.js";
import { withDeadline } from "../../net/deadline.js";
import { QueryPageBody, type QueryPage } from "./result.js";

/** The SDK defaults to 2022-10-01; 2023-03-01 is the version PROVIDERS.md was checked against. */
export const apiVersion = "2023-03-01";
const publicCloud = "https://management.azure.com";

/** How the client reaches Azure beyond the environment: tests pass the CA of their loopback fake here. */
export interface AzureTransport {
  tlsOptions?: TlsSettings;
}

/** Resource Manager base URL: CARBON_TRACK_AZURE_ENDPOINT (tests, private clouds) or the public cloud. */
export const managementEndpoint = (env: NodeJS.ProcessEnv): string =>
  (env.CARBON_TRACK_AZURE_ENDPOINT?.trim() || publicCloud).replace(/\/+$/, "");

// A ClientType header gives this tool its own Cost Management quota instead of sharing the caller's.
const clientTypePolicy: PipelinePolicy = {
  name: "carbonTrackClientType",
  sendRequest: (request, next) => {
    request.headers.set("ClientType", "carbon-track");
    return next(request);
  },
};

/** Sends one request through a pipeline that authenticates it. */
export type Send = (request: PipelineRequest) => Promise<PipelineResponse>;

export interface AzureClients {
  cost: CostManagementClient;
  /** Through the Cost Management client's pipeline (it rewrites every api-version to apiVersion). */
  sendCost: Send;
  /** Plain Resource Manager calls with their own api-version (management groups, billing). */
  sendArm: Send;
}

// With another endpoint the SDK would ask for a token for `<endpoint>/.default`; ARM tokens are for this one.
const credentialScopes = [`${publicCloud}/.default`];

/** The credential, its every access token registered with the redactor as soon as it is issued. */
function redactedCredential(credential: TokenCredential, redactor: Redactor): TokenCredential {
  return {
    async getToken(scopes, options) {
      const token = await credential.getToken(scopes, options);
      if (token) redactor.add(token.token);
      return token;
    },
  };
}

/**
 * Clients on one DefaultAzureCredential (AZURE_TOKEN_CREDENTIALS picks a single credential).
 * The SDK's retries are off: withRetries counts attempts and honours the Cost Management rate-limit
 * headers, which the SDK ignores.
 */
export function createAzureClients(env: NodeJS.ProcessEnv, transport: AzureTransport, redactor: Redactor): AzureClients {
  const credential = redactedCredential(new DefaultAzureCredential(), redactor);
  const common = {
    retryOptions: { maxRetries: 0 },
    ...(transport.tlsOptions ? { tlsOptions: transport.tlsOptions } : {}),
  };
  const cost = new CostManagementClient(credential, {
    ...common,
    apiVersion,
    endpoint: managementEndpoint(env),
    credentialScopes,
    additionalPolicies: [{ policy: clientTypePolicy, position: "perCall" }],
  });
  const arm = createPipelineFromOptions(common);
  arm.addPolicy(bearerTokenAuthenticationPolicy({ credential, scopes: credentialScopes }));
  const httpClient = createDefaultHttpClient();
  return { cost, sendCost: (r) => cost.sendRequest(r), sendArm: (r) => arm.sendRequest(httpClient, r) };
}

export interface CallOptions {
  timeoutMs: number;
  abortSignal: AbortSignal;
}

/**
 * The first page of a query, through the SDK (its URL building, serialisation and error mapping). The attempt's
 * deadline covers the body too: the SDK's own timeout stops at the headers.
 */
export async function queryFirstPage(client: CostManagementClient, subscriptionId: string, body: QueryDefinition, opts: CallOptions): Promise<QueryPage> {
  // The body is checked as it came over the wire: the SDK's flattened result turns an empty body, an HTML page or
  // an array alike into an object with every field undefined, and reshapes rows that are not arrays.
  let wire: unknown;
  await withDeadline(opts.timeoutMs, opts.abortSignal, (abortSignal) =>
    // No leading slash: the SDK joins `{endpoint}/{scope}`.
    client.query.usage(`subscriptions/${subscriptionId}`, body, {
      abortSignal,
      onResponse: (raw) => {
        wire = raw.status === 204 ? noContent : parsedText(raw.bodyAsText);
      },
    }),
  );
  return wire === noContent ? emptyPage : queryPage(QueryPageBody, wire).properties;
}

/** 204 No Content is how the Query API says a subscription has no cost data in the range. */
export const noContent = Symbol("204 No Content");
const emptyPage: QueryPage = { columns: [], rows: [], nextLink: null };

/** A body's JSON, its text when it is not JSON (checked, never echoed), or undefined when there is none. */
function parsedText(text: string | null | undefined): unknown {
  if (!text?.trim()) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * A later page: no Azure SDK follows nextLink, so POST the same body to it through the client's pipeline
 * (bearer token, api-version, ClientType).
 */
export async function queryNextPage(send: Send, env: NodeJS.ProcessEnv, nextLink: string, body: QueryDefinition, opts: CallOptions): Promise<QueryPage> {
  assertSameOrigin(nextLink, env);
  const json = await sendJson(send, { url: nextLink, method: "POST", body: JSON.stringify(body) }, opts);
  return json === noContent ? emptyPage : queryPage(QueryPageBody, json).properties;
}

/** A page of the shape a query result has, or a failure naming what is wrong: never an empty page. */
function queryPage<S extends z.ZodTypeAny>(schema: S, answer: unknown): z.infer<S> {
  const checked = checkAnswer(schema, answer);
  if (checked.ok) return checked.data;
  throw new NotAnAnswer(`the Query API answered HTTP 200 with a body that is not a query result (${checked.why})`);
}

/** An HTTP 200 whose body is not what was asked for: a failure of that call, not retried (the same would come back). */
export class NotAnAnswer extends Error {
  override readonly name = "NotAnAnswer";
}

/** A nextLink carries our bearer token with it: it must stay on the endpoint's origin. */
export function assertSameOrigin(link: string, env: NodeJS.ProcessEnv): void {
  const expected = new URL(managementEndpoint(env)).origin;
  if (new URL(link).origin !== expected) throw new Error(`nextLink points outside ${expected}: refused`);
}

/**
 * A raw call through a pipeline, under the attempt's deadline; non-2xx answers become RestErrors like the SDK's
 * own. The body is returned for the caller to check against the shape it expects; 204 as `noContent`.
 */
export async function sendJson(send: Send, req: { url: string; method: "GET" | "POST"; body?: string }, opts: CallOptions): Promise<unknown> {
  return withDeadline(opts.timeoutMs, opts.abortSignal, async (abortSignal) => {
    const request = createPipelineRequest({
      url: req.url,
      method: req.method,
      body: req.body,
      headers: createHttpHeaders(req.body ? { "Content-Type": "application/json" } : {}),
      abortSignal,
    });
    const response = await send(request);
    if (response.status === 204) return noContent;
    if (response.status >= 300) {
      throw new RestError(errorMessage(response.bodyAsText) ?? `HTTP ${response.status}`, { statusCode: response.status, request, response });
    }
    return parsedText(response.bodyAsText);
  });
}

/** The `error.message` of an ARM error body, if it has one. */
function errorMessage(bodyText: string | null | undefined): string | undefined {
  try {
    const body = JSON.parse(bodyText ?? "") as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = body.error ?? {};
    if (typeof message === "string") return typeof code === "string" ? `${code}: ${message}` : message;
  } catch {
    // Not JSON: the caller falls back to the status code.
  }
  return undefined;
}
