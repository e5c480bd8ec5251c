import { describe, expect, it } from "vitest";
import { lostKey, tooDeepAt } from "../../src/config/json-scan.js";

// Both scans use an explicit stack: text nested far deeper than any call stack allows is scanned, not crashed on.
describe("JSON text scans", () => {
  const deep = (n: number): string => '{"a":'.repeat(n) + "1" + "}".repeat(n);

  it("find the line where nesting passes the limit, ignoring brackets inside strings", () => {
    expect(tooDeepAt(deep(64), 64)).toBe(0);
    expect(tooDeepAt(deep(65), 64)).toBe(1);
    expect(tooDeepAt(`{"s": "${"[".repeat(1000)}",\n"t": ${"[".repeat(65)}`, 64)).toBe(2);
    expect(tooDeepAt(`"unclosed ${"[".repeat(100)}`, 64)).toBe(0);
  });

  it("scan 200,000 levels without recursion", () => {
    expect(tooDeepAt(deep(200_000), 1_000_000)).toBe(0);
    expect(lostKey(deep(200_000))).toBeUndefined();
    expect(lostKey(`${'{"a":'.repeat(200_000)}{"x":1,"x":2}${"}".repeat(200_000)}`)).toEqual({ key: "x", where: Array(200_000).fill("a").join("."), repeated: true });
  });

  it("read escaped keys as JSON does, and name where a key repeats or would become a prototype", () => {
    expect(lostKey('{"a\\u0062": 1, "ab": 2}')).toEqual({ key: "ab", where: "the top level", repeated: true });
    expect(lostKey('{"list": [{"k": 1}, {"k": 2, "k": 3}]}')).toEqual({ key: "k", where: "list.1", repeated: true });
    expect(lostKey('{"x": {"__proto__": {}}}')).toEqual({ key: "__proto__", where: "x", repeated: false });
    expect(lostKey('{"a": 1, "b": {"a": 2}}')).toBeUndefined();
  });
});
