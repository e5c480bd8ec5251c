import { createHttpHeaders, type PipelineRequest, type PipelineResponse } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { describeFailure } from "../../../src/sources/azure/fetch.js";
import { subscriptionsInScope } from "../../../src/sources/azure/scopes.js";

/**
 * A management-group listing answered with HTTP 200 by a stand-in transport (the pipeline's `send`): what
 * Resource Manager sends is read, anything else is a failure of that scope, never "no subscription".
 */
const env = { CARBON_TRACK_AZURE_ENDPOINT: "https://127.0.0.1:1" };
const scope = "/providers/Microsoft.Management/managementGroups/research";

function answering(status: number, bodyAsText: string) {
  return async (request: PipelineRequest): Promise<PipelineResponse> => ({ request, status, headers: createHttpHeaders(), bodyAsText });
}

const list = (bodyAsText: string, status = 200) =>
  subscriptionsInScope(scope, {
    send: answering(status, bodyAsText),
    env,
    opts: { timeoutMs: 2000, abortSignal: new AbortController().signal },
    retry: (call) => call(),
  });

describe("scope listings", () => {
  it("lists the subscriptions under a management group, and none when the listing is empty", async () => {
    const page = { value: [{ name: "0a1b2c3d-0000-4000-8000-00000000000a", type: "Microsoft.Management/managementGroups/subscriptions" }, { name: "child", type: "Microsoft.Management/managementGroups" }] };
    await expect(list(JSON.stringify(page))).resolves.toEqual(["0a1b2c3d-0000-4000-8000-00000000000a"]);
    await expect(list(JSON.stringify({ value: [] }))).resolves.toEqual([]);
  });

  it.each([
    ["an empty body", "", "the body is empty"],
    ["an empty object", "{}", "value missing"],
    ["an array", "[]", "an array"],
    ["an HTML page", "<html><body>Sign in</body></html>", "an HTML page"],
    ["entries without a type", JSON.stringify({ value: [{ name: "x" }] }), "value.0.type missing"],
  ])("refuses %s as a listing", async (_name, body, why) => {
    const error = await list(body).catch((e: unknown) => e);
    expect(describeFailure(error)).toBe(`Resource Manager answered HTTP 200 with a body that is not a subscription listing (${why})`);
  });

  it("refuses 204 No Content as a listing", async () => {
    const error = await list("", 204).catch((e: unknown) => e);
    expect(describeFailure(error)).toBe("Resource Manager answered a subscription listing with 204 No Content");
  });
});
