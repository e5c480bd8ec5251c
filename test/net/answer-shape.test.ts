import { z } from "zod";
import { describe, expect, it } from "vitest";
import { checkAnswer } from "../../src/net/answer-shape.js";
import { CostAndUsagePage, DimensionValuesPage } from "../../src/sources/aws/wire.js";
import { QueryPage, QueryPageBody } from "../../src/sources/azure/result.js";

const why = (schema: z.ZodTypeAny, body: unknown): string => {
  const checked = checkAnswer(schema, body);
  if (checked.ok) throw new Error("expected the answer to be refused");
  return checked.why;
};

describe("checkAnswer: what is wrong with an answer, in a few words", () => {
  const Result = z.object({ items: z.array(z.object({ id: z.number() })) });

  it("passes a well-formed answer, empty lists included", () => {
    expect(checkAnswer(Result, { items: [] })).toEqual({ ok: true, data: { items: [] } });
  });
  it.each([
    ["no body", undefined, "the body is empty"],
    ["null", null, "the body is empty"],
    ["an empty string", "", "the body is empty"],
    ["an array", [], "an array"],
    ["an HTML page", "\n<!DOCTYPE html><html></html>", "an HTML page"],
    ["text", "Service Unavailable", "text, not JSON"],
    ["a number", 42, "a JSON number, not an object"],
    ["an object of another shape", { status: "ok" }, "items missing"],
    ["a field of the wrong type", { items: {} }, "items: expected array, received object"],
    ["a nested field missing", { items: [{ name: "x" }] }, "items.0.id missing"],
  ])("refuses %s", (_name, body, reason) => {
    expect(why(Result, body)).toBe(reason);
  });
  it("never quotes the body", () => {
    expect(why(Result, { items: [{ id: "secret-token-value" }] })).not.toContain("secret-token-value");
  });
});

describe("Cost Explorer answers", () => {
  it("takes ResultsByTime: [] as no usage, and an output without it as not a result", () => {
    expect(checkAnswer(CostAndUsagePage, { ResultsByTime: [], $metadata: {} }).ok).toBe(true);
    // What the SDK makes of an empty or foreign 200: every field undefined.
    expect(why(CostAndUsagePage, { $metadata: { httpStatusCode: 200 }, ResultsByTime: undefined })).toBe("ResultsByTime missing");
  });
  it("refuses dimension values without a name, which would silently drop that type's hours", () => {
    expect(checkAnswer(DimensionValuesPage, { DimensionValues: [{ Value: "p4d.24xlarge" }], NextPageToken: undefined }).ok).toBe(true);
    expect(why(DimensionValuesPage, { DimensionValues: [{ Value: "p4d.24xlarge" }, { value: "g5.xlarge" }] })).toBe("DimensionValues.1.Value missing");
    expect(why(DimensionValuesPage, { DimensionValues: [{ Value: "" }] })).toMatch(/^DimensionValues\.0\.Value: /);
    expect(why(DimensionValuesPage, {})).toBe("DimensionValues missing");
  });
});

describe("Azure Query API answers", () => {
  const columns = [{ name: "UsageQuantity", type: "Number" }];
  it("takes rows: [] under columns as no usage", () => {
    expect(checkAnswer(QueryPage, { columns, rows: [], nextLink: null }).ok).toBe(true);
    expect(checkAnswer(QueryPageBody, { properties: { columns, rows: [] } }).ok).toBe(true);
  });
  it("refuses a page without columns or rows, or rows that are not arrays", () => {
    expect(why(QueryPage, {})).toBe("columns missing");
    expect(why(QueryPage, { columns })).toBe("rows missing");
    expect(why(QueryPage, { columns, rows: [{ UsageQuantity: 1 }] })).toBe("rows.0: expected array, received object");
    expect(why(QueryPageBody, { columns, rows: [] })).toBe("properties missing");
  });
});
