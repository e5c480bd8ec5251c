import { describe, expect, it } from "vitest";
import { jsonRecord } from "../../src/report/json.js";
import type { CarbonRecord } from "../../src/schema.js";

describe("JSON output and terminal controls", () => {
  it.each([
    ["DEL", "\u007f"],
    ["C1 CSI", "\u009b2J"],
    ["C1 OSC", "\u009d52;c;aGk=\u009c"],
    ["ESC", "\u001b]0;title\u0007"],
  ])("writes %s as an escape that decodes to the same text", (_name, hostile) => {
    const record = { instanceType: `p5${hostile}.48xlarge` } as unknown as CarbonRecord;
    const text = jsonRecord(record, 0);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect((JSON.parse(text) as { instanceType: string }).instanceType).toBe(record.instanceType);
  });
});
