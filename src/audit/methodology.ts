import type { CliOptions } from "../cli/options.js";
import type { Catalog } from "../config/catalog.js";
import type { IntensityTable } from "../intensity/types.js";
import type { ReportData } from "../report/model.js";
import type { IntensitySignal } from "../schema.js";
import type { PackRun } from "./material.js";

export interface MethodologyInput {
  report: ReportData;
  run: PackRun;
  build: { toolVersion: string; commit: string | null };
  tables: Record<IntensitySignal, IntensityTable>;
  opts: CliOptions;
  catalog: Catalog;
}

const pct = (f: number): string => `${f >= 1 ? "+" : ""}${Math.round((f - 1) * 100)} %`;
const kg = (n: number): string => n.toFixed(3);
/** Text from data inside a Markdown table cell: a pipe or a line break would end the cell. */
const cell = (s: string): string => s.replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ");

/** The --group-by keys with the tag names asked of each provider, and each group budget with its outcome. */
function grouping(run: PackRun, report: ReportData): string[] {
  if (run.groupKeys.length === 0) return ["- Grouped by: nothing (no --group-by)."];
  const named = (k: PackRun["groupKeys"][number]): string =>
    k.kind === "account"
      ? "account (the billing account, subscription or project)"
      : k.kind === "cost-category"
        ? `${k.id} (column ${k.column}; an AWS cost category, untagged elsewhere)`
        : `${k.id} (column ${k.column}; asked as AWS "${k.names.aws}", Azure "${k.names.azure}", GCP "${k.names.gcp}")`;
  const lines = [
    `- Grouped by: ${run.groupKeys.map((k) => cell(named(k))).join("; ")}. Usage without the tag is "(untagged)", kept in every total; each key's groups add up to the totals.`,
  ];
  const statuses = report.groupBudgets ?? [];
  if (run.groupBudgets.length === 0) lines.push("- Group budgets: none.");
  run.groupBudgets.forEach((b, i) => {
    const s = statuses[i]?.status;
    const outcome = s ? `: ${kg(s.usedKg)} kg of ${kg(s.limitKg)} kg (central CO2e of the group), ${s.exceeded ? "exceeded" : s.highExceeded ? "within, high bound over" : "within"}` : "";
    lines.push(`- Group budget ${cell(b.key.id)}=${cell(b.value)}: ${b.kg} kg${b.perDay ? " per day" : " for the window"}${outcome}.`);
  });
  return lines;
}

/**
 * methodology.md of one pack: the formulas with this run's parameters, the signals and where each region's figure
 * came from, the fallbacks taken and why, what was left out of the totals (with its hours), and how the band is
 * made. Written from the same data as the outputs; docs/methodology.md explains every term.
 */
export function methodology(m: MethodologyInput): string {
  const { report, run, opts, catalog } = m;
  const t = report.summary.totals;
  const band = catalog.power.band;
  const o = report.options;
  const lines: string[] = [
    `# Methodology of run ${run.runId}`,
    "",
    `Window ${report.period.since} to ${report.period.until} (${report.period.days} days, UTC, ${report.period.granularity}); run started ${run.generatedAt};`,
    `carbon-track ${m.build.toolVersion}${m.build.commit ? ` (commit ${m.build.commit})` : ""}. Source: ${o.source}; providers: ${o.providers.join(", ") || "none"}.`,
    "The terms below are explained in docs/methodology.md; the factors are in factors/, the usage and intensity in inputs/.",
    "",
    "## Formulas and this run's parameters",
    "",
    "```",
    "P_IT(u)             = accelerators A(u) + platform B(u) + host CPU C(u) + memory M   (catalog entry per instance type)",
    "energy_kWh          = P_IT × hours / 1000      (a gpu-hour row: one GPU's share of the board, no host)",
    "facility_energy_kWh = energy_kWh × PUE         (per region, factors/regions.json)",
    "co2e_kg             = facility_energy_kWh × intensity_kg_per_kWh",
    "embodied_kg         = (server + GPUs × per-GPU) × share / (lifetime years × 8760 × occupancy) × hours",
    "```",
    "",
    `- u (accelerator power fraction): ${o.gpuUtilization} by default${opts.utilizationFile ? `; measured from ${opts.utilizationFile} where it covers a row` : ""}` +
      `${o.utilizationRules > 0 ? `; ${o.utilizationRules} config rules first` : ""} (each row names its rule in utilization_rule).`,
    `- Lead signal: ${o.signal === "average" ? "location-based (grid average, CO2e): the inventory figure" : "marginal (WattTime MOER, CO2 only): the decision figure"}; both figures are in every row and never added.`,
    `- Marginal intensity from: ${o.intensity}; location-based from: ${o.location ?? "static"}.`,
    o.embodied
      ? `- Embodied: amortised over ${o.embodied.lifetimeYears} years at ${o.embodied.occupancy} occupancy; server ${catalog.embodied.serverKg.value} kg (${catalog.embodied.serverKg.low}-${catalog.embodied.serverKg.high}), ` +
        `per GPU ${catalog.embodied.perGpuKg.value} kg (${catalog.embodied.perGpuKg.low}-${catalog.embodied.perGpuKg.high}); reported apart from the operational CO2e.`
      : "- Embodied: left out (--no-embodied).",
    `- Budget: ${run.budget ? `${run.budget.kg} kg${run.budget.perDay ? " per day" : " for the window"}` : "none"}.`,
    ...grouping(run, report),
    "",
    "## Totals",
    "",
    `${t.rows} rows, ${kg(t.hours)} hours; facility energy ${kg(t.facilityEnergyKwh)} kWh (${kg(t.facilityEnergyLowKwh)}-${kg(t.facilityEnergyHighKwh)});`,
    `location-based ${kg(t.co2eLocationKg)} kg CO2e (${kg(t.co2eLocationLowKg)}-${kg(t.co2eLocationHighKg)}); marginal ${kg(t.co2MarginalKg)} kg CO2 (${kg(t.co2MarginalLowKg)}-${kg(t.co2MarginalHighKg)});` +
      ` embodied ${kg(t.embodiedKg)} kg.`,
    "",
    "## Signals: where each region's intensity came from",
    "",
    "| region | zone | signal | source | mean kg/kWh | note |",
    "|---|---|---|---|---:|---|",
    ...report.provenance.map((p) => `| ${cell(p.key)} | ${cell(p.zone ?? "")} | ${p.signal} | ${cell(p.source)} | ${p.meanKgPerKwh.toFixed(6)} | ${cell(p.note)} |`),
    "",
    "## Fallbacks taken, and why",
    "",
  ];
  const fallbacks = report.provenance.filter((p) => p.source.startsWith("fallback:"));
  if (fallbacks.length === 0) lines.push("None: every region used got a time-matched figure.");
  for (const p of fallbacks) lines.push(`- ${cell(p.key)} (${p.signal}): ${cell(p.source)}: ${cell(p.note || "no reason recorded")}`);
  const signalLines = [...m.tables.marginal.warnings, ...m.tables.average.warnings, ...m.tables.marginal.failures, ...m.tables.average.failures];
  for (const w of signalLines) lines.push(`- ${cell(w)}`);
  lines.push(
    "",
    "## Exclusions",
    "",
    t.unknownPowerHours > 0
      ? `${kg(t.unknownPowerHours)} hours have no power figure (unknown instance type, or accelerators without a TDP): their rows are kept with empty energy and CO2e and left out of every total.`
      : "No hours were left out of the totals.",
    ...report.warnings.map((w) => `- ${cell(w)}`),
    ...report.failures.map((f) => `- failed: ${cell(f)}`),
    "",
    "## Uncertainty",
    "",
    "Each figure has a low and a high bound (the *_low_* and *_high_* columns). The band is the product of three ranges, not a confidence interval:",
    "",
    "- utilisation: u at the neighbouring presets (measured u: its own band), giving the power range;",
    `- PUE: ${pct(band.pue.low)} / ${pct(band.pue.high)};`,
    `- intensity: ${pct(band.intensityMatched.low)} / ${pct(band.intensityMatched.high)} for a time-matched figure, ${pct(band.intensityFallback.low)} / ${pct(band.intensityFallback.high)} for an annual fallback.`,
    "",
    `Source of the band terms: ${cell(band.source)}`,
    "",
  );
  return lines.join("\n");
}
