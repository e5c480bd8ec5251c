import { Marked } from "marked";
import { describe, expect, it } from "vitest";
import { escapeMarkdown, renderMarkdown } from "../../src/report/markdown.js";
import { reportFrom, usage } from "./setup-data.js";

/** GitHub Flavored Markdown, as GitHub renders PR comments and job summaries. */
const gfm = (md: string): string => new Marked({ gfm: true }).parse(md, { async: false }) as string;

function tables(html: string): { head: number; rows: number[] }[] {
  return [...html.matchAll(/<table>([\s\S]*?)<\/table>/g)].map((m) => {
    const t = m[1]!;
    const head = (t.match(/<thead>[\s\S]*?<\/thead>/)?.[0].match(/<th[ >]/g) ?? []).length;
    const body = t.match(/<tbody>([\s\S]*?)<\/tbody>/)?.[1] ?? "";
    const rows = [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => (r[1]!.match(/<td[ >]/g) ?? []).length);
    return { head, rows };
  });
}

const fleet = [
  usage("aws", "us-east-1", "p5.48xlarge", "2026-10-01", 48),
  usage("aws", "us-east-1", "p5.48xlarge", "2026-10-02", 40),
  usage("gcp", "us-central1", "a3-highgpu-8g", "2026-10-01", 24),
  usage("azure", "eastus", "Standard_ND96asr_v4", "2026-10-02", 10),
];

describe("Markdown report", () => {
  it("renders as GFM tables with the right number of rows and columns", async () => {
    const report = await reportFrom(fleet, {
      suggestions: [
        {
          provider: "aws",
          instanceType: "p5.48xlarge",
          fromRegion: "us-east-1",
          toRegion: "us-west-1",
          toLocation: "US West (N. California)",
          hours: 88,
          energyKwh: 500,
          fromPue: 1.15,
          toPue: 1.18,
          fromIntensityKgPerKwh: 0.5,
          toIntensityKgPerKwh: 0.4,
          fromCo2eKg: 287.5,
          toCo2eKg: 236,
          savingKg: 51.5,
          savingPercent: 17.9,
          signal: "marginal",
          toIntensitySource: "fallback:x@2024",
          fromLocationCo2eKg: 200,
          toLocationCo2eKg: 230,
          locationChangeKg: 30,
        },
      ],
    });
    const html = gfm(renderMarkdown(report));
    const t = tables(html);
    // region × type, region, provider, suggestions, provenance
    expect(t.map((x) => x.head)).toEqual([8, 7, 6, 9, 6]);
    expect(t.map((x) => x.rows.length)).toEqual([3, 3, 3, 1, 3]);
    for (const x of t) for (const cells of x.rows) expect(cells).toBe(x.head);
    expect(html).toMatch(/<strong>(Location-based CO2e|Marginal CO2) /);
  });

  it("escapes pipes, HTML and emphasis in cells, so a hostile name cannot break a table", async () => {
    const report = await reportFrom([usage("aws", "us-east-1", "p5|<script>x</script>*_`", "2026-10-01", 1)]);
    const html = gfm(renderMarkdown(report));
    expect(html).not.toContain("<script>");
    const t = tables(html);
    for (const x of t) for (const cells of x.rows) expect(cells).toBe(x.head);
    expect(html).toContain("p5|&lt;script&gt;x&lt;/script&gt;*_`");
    expect(escapeMarkdown("a|b\nc")).toBe("a\\|b\\\\nc");
  });

  it("shows the budget and the daily trend", async () => {
    const report = await reportFrom(fleet, {
      budget: { limitKg: 10, perDayKg: null, days: 2, usedKg: 20, usedHighKg: 30, usedPercent: 200, usedHighPercent: 300, thresholdPercent: 95, exceeded: true, highExceeded: false },
    });
    const md = renderMarkdown(report);
    expect(md).toMatch(/\*\*Budget exceeded\*\*: 20\.0 kg of 10\.0 kg used: 200\.0 %/);
    expect(md).toMatch(/Daily CO2e trend: `[▁▂▃▄▅▆▇█ ]{2}`/);
  });
});
