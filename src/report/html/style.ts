/**
 * The page's only style sheet, inline (the page fetches nothing). Okabe-Ito colours, distinguishable with the
 * common colour-vision deficiencies; every coloured mark also has a text label. Dark theme when the reader's
 * system asks for it; print always light, without page breaks inside a chart or a table row.
 */
export const css = `
:root { color-scheme: light dark;
  --bg: #ffffff; --fg: #1b1b1b; --muted: #5a5a5a; --rule: #d9d9d9; --card: #f5f6f7;
  --s0: #0072B2; --s1: #E69F00; --s2: #009E73; --s3: #CC79A7; --s4: #56B4E9; --s5: #D55E00;
  --ok: #009E73; --near: #E69F00; --over: #D55E00; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #16181b; --fg: #e8e8e8; --muted: #a6a6a6; --rule: #3a3d42; --card: #202327;
    --s0: #56B4E9; --s4: #0072B2; }
}
@media print {
  :root { --bg: #ffffff; --fg: #000000; --muted: #444444; --rule: #bbbbbb; --card: #ffffff; --s0: #0072B2; --s4: #56B4E9; }
  body { margin: 0; max-width: none; }
  section, figure, tr, .cards { break-inside: avoid; }
  h2 { break-after: avoid; }
  details > summary { display: none; }
  @page { margin: 14mm; }
}
* { box-sizing: border-box; }
body { background: var(--bg); color: var(--fg); font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  max-width: 1100px; margin: 0 auto; padding: 24px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.2rem; margin: 32px 0 8px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
h3 { font-size: 1rem; margin: 20px 0 6px; }
p, li { max-width: 75ch; }
.meta { color: var(--muted); margin: 0 0 16px; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(210px, 1fr)); gap: 12px; margin: 16px 0; }
.card { background: var(--card); border: 1px solid var(--rule); border-radius: 8px; padding: 12px 14px; }
.card .name { color: var(--muted); font-size: .85rem; }
.card .value { font-size: 1.7rem; font-weight: 650; font-variant-numeric: tabular-nums; }
.card .unit { font-size: 1rem; font-weight: 400; color: var(--muted); }
.card .band { color: var(--muted); font-size: .85rem; font-variant-numeric: tabular-nums; }
.alert { border: 2px solid var(--over); border-radius: 8px; padding: 10px 14px; margin: 12px 0; }
.status-over { color: var(--over); font-weight: 650; }
.status-near { color: var(--near); font-weight: 650; }
.status-ok { color: var(--ok); font-weight: 650; }
figure { margin: 8px 0 12px; }
figcaption { color: var(--muted); font-size: .85rem; }
svg.chart { width: 100%; height: auto; display: block; }
svg .grid { stroke: var(--rule); stroke-width: 1; }
svg .axis { stroke: var(--muted); stroke-width: 1; }
svg .tick { fill: var(--muted); font-size: 12px; font-variant-numeric: tabular-nums; }
svg .label { fill: var(--fg); font-size: 12px; }
svg .bar, svg .s0 { fill: var(--s0); }
svg .s1 { fill: var(--s1); } svg .s2 { fill: var(--s2); } svg .s3 { fill: var(--s3); } svg .s4 { fill: var(--s4); } svg .s5 { fill: var(--s5); }
svg .band { stroke: var(--fg); stroke-width: 1.5; opacity: .55; }
svg .track { fill: var(--card); stroke: var(--rule); }
svg .ok { fill: var(--ok); } svg .near { fill: var(--near); } svg .over { fill: var(--over); }
svg .limit { stroke: var(--fg); stroke-width: 2; stroke-dasharray: 4 3; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; font-size: .9rem; }
caption { text-align: left; color: var(--muted); padding-bottom: 4px; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 8px; text-align: left; vertical-align: top; }
th { font-weight: 600; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.split { display: grid; grid-template-columns: minmax(0, 1fr); gap: 4px; }
footer { color: var(--muted); font-size: .85rem; margin-top: 32px; border-top: 1px solid var(--rule); padding-top: 8px; }
`;
