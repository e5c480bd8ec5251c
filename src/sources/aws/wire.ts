import { z } from "zod";
import { ResultByTime } from "./map.js";

/**
 * Cost Explorer answers as the SDK hands them over. The SDK deserializes any JSON object without complaint (an
 * empty or foreign 200 comes back with every field undefined), so the keys the service always sends are required
 * here: a page without them is a failure, not an empty page.
 */

/** GetDimensionValues: every value named. A value without a name would silently drop that type's hours. */
export const DimensionValuesPage = z.object({
  DimensionValues: z.array(z.object({ Value: z.string().min(1) })),
  NextPageToken: z.string().nullish(),
});

/** GetCostAndUsage: `ResultsByTime: []` is the one well-formed "no usage". */
export const CostAndUsagePage = z.object({
  ResultsByTime: z.array(ResultByTime),
  NextPageToken: z.string().nullish(),
});
export type CostAndUsagePage = z.infer<typeof CostAndUsagePage>;
