import { describe, expect, it } from "vitest";
import { HashSet53, keyHash } from "../../src/sources/row-keys.js";

// The --input duplicate check keeps a 53-bit hash per row key; a repeated hash sends the reader back to the file to
// compare the real keys, so the set must find every repeat and, in practice, nothing else.
describe("HashSet53", () => {
  it("finds every repeated key across growth, and no false repeat among 300,000 distinct keys", () => {
    const set = new HashSet53();
    const key = (i: number): string[] => ["aws", `acct-${i % 997}`, "us-east-1", "p5.48xlarge", "instance-hour", new Date(Date.UTC(2026, 9, 1) + (i % 7919) * 3_600_000).toISOString()];
    let falseRepeats = 0;
    for (let i = 0; i < 300_000; i++) if (!set.add(keyHash(key(i)))) falseRepeats++;
    expect(falseRepeats).toBe(0);
    for (let i = 0; i < 300_000; i += 997) expect(set.add(keyHash(key(i)))).toBe(false);
  });

  it("tells fields apart by their boundaries, not only by their characters", () => {
    expect(keyHash(["ab", "c"])).not.toEqual(keyHash(["a", "bc"]));
    expect(keyHash(["a", ""])).not.toEqual(keyHash(["", "a"]));
    expect(keyHash(["same"])).toEqual(keyHash(["same"]));
  });
});
