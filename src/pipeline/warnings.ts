import type { EstimateWarning } from "../calc/estimate.js";
import { human } from "../report/numbers.js";

/** One line per aggregated estimate warning, saying what happened and how to fix it. */
export function describeEstimateWarning(w: EstimateWarning): string {
  const hours = `${human(w.hours)} h in ${w.rows} rows`;
  switch (w.kind) {
    case "unknown-type":
      return (
        `${w.provider} instance type ${w.subject} is not in the catalog (${hours}): its hours are kept, its energy and CO2e ` +
        `are unknown and left out of totals. Add it under catalog.instances.${w.provider} in your --config file (see README "Catalog")`
      );
    case "no-tdp":
      return (
        `${w.provider} ${w.subject} has accelerators with no power figure (${hours}): left out of totals. ` +
        `Give a tdpW for its GPU under catalog.gpus in your --config file`
      );
    case "unknown-region":
      return `${w.provider} region ${w.subject} is not in regions.json (${hours}): provider PUE and the global fallback intensity used. Add it under regions.${w.provider} in your --config file`;
  }
}
