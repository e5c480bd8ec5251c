import { eiaSource } from "./eia.js";
import { electricityMapsSource } from "./electricity-maps.js";
import { gbCarbonSource } from "./gb-carbon.js";
import type { HourlySource } from "./types.js";

/**
 * The hourly location-based sources, in the order a region tries them: the grid operator's own data first (EIA for
 * US balancing authorities, GB Carbon Intensity for London), then Electricity Maps where its key is set. A region
 * none of them covers takes its annual average from config/regions.json.
 */
export const hourlySources: readonly HourlySource[] = [eiaSource, gbCarbonSource, electricityMapsSource];
