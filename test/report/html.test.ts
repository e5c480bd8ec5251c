import { createHash } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { esc } from "../../src/report/html/escape.js";
import { renderHtml } from "../../src/report/html/page.js";
import { axisTicks } from "../../src/report/html/svg.js";
import { repoRoot } from "../helpers/run-cli.js";
import { reportFrom, usage } from "./setup-data.js";

const fleet = [
  usage("aws", "us-east-1", "p5.48xlarge", "2026-10-01", 48),
  usage("aws", "us-east-1", "p5.48xlarge", "2026-10-03", 40),
  usage("gcp", "us-central1", "a3-highgpu-8g", "2026-10-01", 24),
];

describe("HTML report renderer", () => {
  it("escapes markup characters and shows control characters as escapes", () => {
    expect(esc(`<a href="x" onclick='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
    expect(esc("a\x1b[2Jb\nc")).toBe("a\\x1b[2Jb\\nc");
  });

  it("carries a policy that allows its own style sheet only, by hash", async () => {
    const html = renderHtml(await reportFrom(fleet));
    const style = /<style>([^]*?)<\/style>/.exec(html)![1]!;
    const hash = createHash("sha256").update(style).digest("base64");
    expect(html).toContain(`content="default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'"`);
    expect(html.match(/<style>/g)).toHaveLength(1);
    expect(html).not.toMatch(/style="/);
  });

  it("fills the days without rows, so a gap shows as a gap", async () => {
    const html = renderHtml(await reportFrom(fleet));
    // 2026-10-01 to 2026-10-03: three day groups, the second empty (no bar), in the chart and its table.
    expect(html.match(/<g class="day">/g)).toHaveLength(3);
    expect(html.match(/<rect class="bar"/g)).toHaveLength(2);
    expect(html).toMatch(/<td>2026-10-02<\/td><td class="n"><data value="0\.000000">0\.0<\/data>/);
  });

  it("names a partial report at the top and lists the failures and an exceeded budget", async () => {
    const html = renderHtml(
      await reportFrom(fleet, {
        failures: ["azure: 403 <Forbidden>"],
        budget: { limitKg: 10, perDayKg: null, days: 3, usedKg: 20, usedHighKg: 30, usedPercent: 200, usedHighPercent: 300, thresholdPercent: 95, exceeded: true, highExceeded: false },
      }),
    );
    expect(html).toContain('<p class="alert" role="alert"><strong>Partial report:</strong> 1 failed;');
    expect(html).toContain("<li><strong>failed:</strong> azure: 403 &lt;Forbidden&gt;</li>");
    expect(html).toContain('Carbon budget: <span class="status-over">Exceeded</span>');
  });

  it("picks round axis steps", () => {
    expect(axisTicks(1234)).toEqual([0, 500, 1000, 1500]);
    expect(axisTicks(0.7)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(axisTicks(0)).toEqual([0, 1]);
  });

  it("is loaded only when asked for: no module outside src/report/html imports it statically", () => {
    const src = join(repoRoot, "src");
    const files = readdirSync(src, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".ts") && !f.startsWith(join("report", "html")));
    const importers = files.filter((f) => /^import[^;]*from "[^"]*report\/html\//m.test(readFileSync(join(src, f), "utf8")));
    expect(importers.map((f) => relative(src, join(src, f)))).toEqual([]);
  });
});
