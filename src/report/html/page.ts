import { createHash } from "node:crypto";
import type { ReportData } from "../model.js";
import { esc } from "./escape.js";
import { groupTable, shareSection } from "./groups.js";
import { budgetSection, comparisonSection, headline, notesSection, provenanceSection, suggestionsSection, trendSection } from "./sections.js";
import { css } from "./style.js";

/**
 * The policy the page carries: nothing may be fetched or run, and only its own style sheet (named by hash)
 * applies. A page opened from an e-mail or an artifact stays offline even if a value slipped past the escaping.
 */
const policy = `default-src 'none'; style-src 'sha256-${createHash("sha256").update(css).digest("base64")}'; base-uri 'none'; form-action 'none'`;

/**
 * The HTML report: one self-contained page (inline CSS and SVG, no script) rendered from the same ReportData as
 * the CSVs and the terminal tables. It formats figures; it computes none.
 */
export function renderHtml(r: ReportData): string {
  const place = (k: { provider: string; region: string }): string[] => [k.provider, k.region];
  const sections = [
    headline(r),
    budgetSection(r),
    comparisonSection(r),
    trendSection(r),
    `<section aria-labelledby="shares-h"><h2 id="shares-h">Where the CO2e comes from</h2>`,
    shareSection("by-provider", "CO2e by provider", ["Provider"], r.summary.byProvider, (k) => [k.provider], r),
    shareSection("by-region", "CO2e by region", ["Provider", "Region"], r.summary.byRegion, place, r),
    shareSection("by-type", "CO2e by instance type", ["Provider", "Instance type"], r.summary.byInstanceType, (k) => [k.provider, k.instanceType], r),
    // --group-by keys: their names are letters, digits and + - = . _ : / @ (src/attribution/keys.ts); values are escaped.
    ...(r.attribution?.byKey ?? []).map(({ key, groups }, i) => shareSection(`by-key-${i}`, `CO2e by ${key}`, [key], groups, (k) => [k.value], r)),
    `<h3>Every provider, region and instance type</h3>`,
    groupTable("CO2e by region and instance type (the rows of the summary CSV)", ["Provider", "Region", "Instance type"], r.summary.byRegionInstanceType, (k) => [k.provider, k.region, k.instanceType], r),
    `</section>`,
    suggestionsSection(r),
    notesSection(r),
    provenanceSection(r),
  ];
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="carbon-track">
<title>carbon-track: GPU emissions ${esc(r.period.since)} to ${esc(r.period.until)}</title>
<style>${css}</style>
</head>
<body>
<main>
${sections.filter(Boolean).join("\n")}
</main>
<footer>Made by carbon-track from the same figures as the CSV files written beside it (${esc(r.options.source)} data). CO2e figures are estimates with a low–high band; embodied emissions are reported apart and never added to CO2e. See docs/methodology.md in carbon-track for how each figure is derived.</footer>
</body>
</html>
`;
}
