import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { human } from "../../src/report/numbers.js";
import { renderHtml } from "../../src/report/html/page.js";
import { Browser, findChromium } from "../helpers/chromium.js";
import { repoRoot, runCli } from "../helpers/run-cli.js";
import { reportFrom, usage } from "./setup-data.js";

const chromium = findChromium();
// .ci/run installs Chromium: in CI a missing browser is a failure, not a skipped test.
if (!chromium && process.env.CI) throw new Error("chromium is not on PATH: .ci/run installs it (apt-get install chromium)");

/** What the page shows, read from its DOM after the load event. */
const probe = `(() => {
  const value = (id) => { const d = document.querySelector('#' + id + ' .value data'); return d ? { value: Number(d.value), text: d.textContent } : null; };
  const svgs = [...document.querySelectorAll('svg')];
  return {
    title: document.title,
    svgs: svgs.length,
    labelled: svgs.filter((s) => s.getAttribute('role') === 'img' && s.querySelector(':scope > title')?.textContent && s.querySelector(':scope > desc')?.textContent).length,
    trendBars: document.querySelectorAll('#trend-chart-t ~ g.day').length,
    axisLabels: [...document.querySelectorAll('svg text.label')].map((t) => t.textContent),
    co2e: value('total-co2e'), energy: value('total-energy'), hours: value('total-hours'), embodied: value('total-embodied'),
    sections: [...document.querySelectorAll('h2')].map((h) => h.textContent),
    images: document.querySelectorAll('img, script, iframe, object, embed').length,
    hostile: [...document.querySelectorAll('td')].map((td) => td.textContent).filter((t) => t.includes('onerror')),
    width: document.documentElement.scrollWidth,
    background: getComputedStyle(document.body).backgroundColor,
  };
})()`;

type Probe = {
  title: string;
  svgs: number;
  labelled: number;
  trendBars: number;
  axisLabels: string[];
  co2e: { value: number; text: string } | null;
  energy: { value: number; text: string } | null;
  hours: { value: number; text: string } | null;
  embodied: { value: number; text: string } | null;
  sections: string[];
  images: number;
  hostile: string[];
  width: number;
  background: string;
};

const isPng = (b: Buffer): boolean => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));

describe.skipIf(!chromium)("the HTML report in headless Chromium (DevTools Protocol)", () => {
  let dir: string;
  let browser: Browser;
  let out: string;
  let page: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "ct-html-"));
    out = join(dir, "out");
    page = pathToFileURL(join(out, "carbon_report.html")).href;
    browser = Browser.launch(chromium!);
    const res = await runCli(["--demo", "--since", "2026-10-01", "--until", "2026-10-30", "--budget", "600/day", "--html", "--out", out, "--stamp", "none"], { cwd: dir });
    expect(res.code, res.stderr).toBe(0);
  });
  afterAll(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("renders the demo report offline: no console error, no request, labelled charts, totals equal to the summary CSV", async () => {
    const visit = await browser.visit(page, probe);
    const shown = visit.value as Probe;

    expect(visit.errors).toEqual([]);
    expect(visit.requests).toEqual([]);
    expect(isPng(visit.png)).toBe(true);
    expect(visit.png.length).toBeGreaterThan(20_000);
    // Kept for a person to look at (and for the README's picture); .vitest/ is not committed.
    mkdirSync(join(repoRoot, ".vitest"), { recursive: true });
    writeFileSync(join(repoRoot, ".vitest", "html-report.png"), visit.png);

    expect(shown.title).toBe("carbon-track: GPU emissions 2026-10-01 to 2026-10-30");
    // Trend, budget, and the shares by provider, region and instance type: each an image with a title and a description.
    expect(shown.svgs).toBe(5);
    expect(shown.labelled).toBe(5);
    expect(shown.trendBars).toBe(30);
    expect(shown.axisLabels).toEqual(["Day (UTC, month-day)", "CO2e per day, kg"]);
    expect(shown.sections).toEqual(expect.arrayContaining(["Daily trend", "Where the CO2e comes from", "Cleaner regions for the largest emitters", "Warnings and failures", "Intensity provenance per region"]));
    expect(shown.images).toBe(0);
    expect(shown.width).toBeLessThanOrEqual(1200);
    expect(shown.background).toBe("rgb(255, 255, 255)");
    expect(visit.pdf.subarray(0, 5).toString()).toBe("%PDF-");

    const rows = parse(readFileSync(join(out, "carbon_summary.csv"), "utf8"), { columns: true }) as Record<string, string>[];
    const sum = (col: string): number => rows.reduce((s, r) => s + Number(r[col]), 0);
    // The page's exact value is the CSV total to the CSV's precision (rows rounded to 6 decimals each); the text shown is that total rounded.
    for (const [figure, col] of [
      [shown.co2e, "co2e_kg"],
      [shown.energy, "facility_energy_kwh"],
      [shown.hours, "quantity_hours"],
      [shown.embodied, "embodied_kg"],
    ] as const) {
      expect(figure, col).not.toBeNull();
      expect(Math.abs(figure!.value - sum(col)), col).toBeLessThanOrEqual(rows.length * 1e-6);
      expect(figure!.text, col).toBe(human(sum(col)));
    }
  });

  it("follows a dark colour scheme, still without an error or a request", async () => {
    const visit = await browser.visit(page, probe, "dark");
    expect(visit.errors).toEqual([]);
    expect(visit.requests).toEqual([]);
    expect((visit.value as Probe).background).toBe("rgb(22, 24, 27)");
  });

  it("a hostile instance type and warning stay text: no element, no request, no error", async () => {
    const evil = `<img src=x onerror="console.error('xss')"><script>console.error('xss')</script>`;
    const report = await reportFrom([usage("aws", "us-east-1", evil, "2026-10-01", 5), usage("aws", "us-east-1", "p5.48xlarge", "2026-10-01", 5)], {
      warnings: [`</style><style>body{background:url(http://127.0.0.1:9/leak)}</style>${evil}`],
    });
    const file = join(dir, "hostile.html");
    writeFileSync(file, renderHtml(report));
    const visit = await browser.visit(pathToFileURL(file).href, probe);
    expect(visit.errors).toEqual([]);
    expect(visit.requests).toEqual([]);
    const shown = visit.value as Probe;
    expect(shown.images).toBe(0);
    expect(shown.hostile).toContain(evil);
  });

  it("is not blind: a page that fetches and logs an error is caught", async () => {
    const file = join(dir, "control.html");
    writeFileSync(file, `<!DOCTYPE html><title>control</title><img src="http://127.0.0.1:9/pixel.png" alt=""><script>console.error("seen")</script>`);
    const visit = await browser.visit(pathToFileURL(file).href, "document.title");
    expect(visit.value).toBe("control");
    expect(visit.requests).toEqual(["http://127.0.0.1:9/pixel.png"]);
    expect(visit.errors.some((e) => e.includes("seen"))).toBe(true);
  });
});
