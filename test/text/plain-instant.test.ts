import { describe, expect, it } from "vitest";
import { parseUtcInstant, plainUtcInstantMs } from "../../src/text/calendar.js";

// --input reads its instants by character codes; it must agree with the strict reader (and Date.parse) on every
// instant of its one shape, and leave everything else (NaN) to parseUtcInstant, which words the problem.
describe("plainUtcInstantMs", () => {
  it("gives Date.parse's epoch ms for 200,000 instants from 1000 to 9999", () => {
    let s = 22;
    for (let i = 0; i < 200_000; i++) {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      const ms = Math.floor(((s / 2 ** 32) * (Date.UTC(9999, 11, 31) - Date.UTC(1000, 0, 1)) + Date.UTC(1000, 0, 1)) / 1000) * 1000;
      const text = new Date(ms).toISOString().replace(".000Z", "Z");
      expect(plainUtcInstantMs(text), text).toBe(Date.parse(text));
    }
  });

  it.each(["2023-02-29T00:00:00Z", "2026-13-01T00:00:00Z", "2026-10-01T24:00:00Z", "2026-10-01T00:60:00Z", "0999-01-01T00:00:00Z", "2026-10-01 00:00:00Z", "2026-1a-01T00:00:00Z", "2026-10-01T00:00:00.000Z", "+02026-10-01T00:00:00Z"])(
    "leaves %s to parseUtcInstant",
    (text) => {
      expect(plainUtcInstantMs(text)).toBeNaN();
      const strict = parseUtcInstant(text);
      if ("ms" in strict) expect(strict.ms).toBe(Date.parse(text));
    },
  );
});
