import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_BODY_BYTES } from "../../../src/net/http-policy.js";
import { awsSource } from "../../../src/sources/aws/index.js";
import { awsTestEnv, sourceContext, useProcessEnv } from "./harness.js";

/**
 * Cost Explorer answers that are HTTP 200 but not a result, in process: each is a failure naming what is wrong,
 * never an empty list of usage. One loopback server answers every operation as `answer` says.
 */
type Answer = (operation: string, res: ServerResponse) => void;
let answer: Answer = () => {};
let server: ReturnType<typeof createServer>;
let url = "";

const json = (body: unknown) => (_operation: string, res: ServerResponse) => {
  res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
};
/** Dimension values name one GPU type; GetCostAndUsage answers `usage`. */
const withUsage = (usage: Answer): Answer => (operation, res) =>
  operation === "GetDimensionValues" ? json({ DimensionValues: [{ Value: "p4d.24xlarge" }], ReturnSize: 1, TotalSize: 1 })(operation, res) : usage(operation, res);

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    req.resume();
    req.on("end", () => answer(String(req.headers["x-amz-target"] ?? "").split(".").pop() ?? "", res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

async function fetchWith(a: Answer, timeoutMs = 2000): Promise<{ records?: unknown[]; error?: Error }> {
  answer = a;
  const restore = useProcessEnv(awsTestEnv(url));
  try {
    const result = await awsSource.fetch(sourceContext({ http: { timeoutMs, retryBaseMs: 10, maxAttempts: 2 } }));
    return { records: result.records };
  } catch (error) {
    return { error: error as Error };
  } finally {
    restore();
  }
}

describe("AWS: answers that are not results", () => {
  it("takes a well-formed empty answer as no usage", async () => {
    const run = await fetchWith(withUsage(json({ ResultsByTime: [], DimensionValueAttributes: [], GroupDefinitions: [] })));
    expect(run.error).toBeUndefined();
    expect(run.records).toEqual([]);
  });

  it.each([
    ["an empty body", "", "ResultsByTime missing"],
    ["an empty object", {}, "ResultsByTime missing"],
    ["an array", [], "ResultsByTime missing"],
    ["ResultsByTime of the wrong type", { ResultsByTime: "none" }, "ResultsByTime: expected array, received string"],
    ["a group without metrics", { ResultsByTime: [{ TimePeriod: { Start: "2026-10-01", End: "2026-10-02" }, Groups: [{ Keys: ["1", "USE1-BoxUsage:p4d.24xlarge"] }] }] }, "ResultsByTime.0.Groups.0.Metrics missing"],
  ])("refuses GetCostAndUsage answering %s", async (_name, body, why) => {
    const run = await fetchWith(withUsage(json(body)));
    expect(run.error?.message).toBe(`aws: Cost Explorer answered HTTP 200 with a body that is not a GetCostAndUsage result (${why})`);
  });

  it("refuses dimension values it cannot name, rather than leaving those types out", async () => {
    const run = await fetchWith(json({ DimensionValues: [{ Value: "p4d.24xlarge" }, { Attributes: {} }], ReturnSize: 2, TotalSize: 2 }));
    expect(run.error?.message).toBe("aws: Cost Explorer answered HTTP 200 with a body that is not a GetDimensionValues result (DimensionValues.1.Value missing)");
  });

  it("refuses an answer whose declared length is over the bound, without reading it", async () => {
    const run = await fetchWith((_operation, res) => {
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1", "content-length": String(MAX_BODY_BYTES + 1) });
      res.write("{");
    });
    expect(run.error?.message).toBe("aws: Cost Explorer's answer is larger than 64 MiB: refused");
  });

  it("cuts off a body that drips past the attempt's deadline", async () => {
    const timers: NodeJS.Timeout[] = [];
    const run = await fetchWith((_operation, res) => {
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      res.flushHeaders();
      const timer = setInterval(() => res.write(" "), 100);
      timers.push(timer);
      res.on("close", () => clearInterval(timer));
    }, 1500);
    timers.forEach(clearInterval);
    expect(run.error?.message).toBe("aws: no answer from Cost Explorer within 1500 ms");
  });
});
