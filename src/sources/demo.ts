import { readFileSync } from "node:fs";
import { z } from "zod";
import { packageDataFile } from "../config/paths.js";
import { parseJsonText } from "../config/validate.js";
import { addDays, formatDay, parseDay } from "../cli/dates.js";
import { ProviderId, type UsageRecord } from "../schema.js";
import type { UsageWindow } from "./types.js";
import { pickTags, type GroupKey } from "../attribution/keys.js";

const Fleet = z.object({
  $comment: z.string().optional(),
  fleet: z.array(
    z.object({
      provider: ProviderId,
      account: z.string(),
      region: z.string(),
      instanceType: z.string(),
      unit: z.enum(["instance-hour", "gpu-hour"]),
      hoursPerDay: z.number().positive(),
      usdPerHour: z.number().positive(),
      /** The provider's own tag or label names and values. */
      tags: z.record(z.string(), z.string()).optional(),
    }),
  ),
});

const dayMs = 86_400_000;
const round2 = (x: number): number => Math.round(x * 100) / 100;

/**
 * A day's share of the base hours: quieter weekends and a slow drift, a function of the date and the row only,
 * so the same window always gives the same data.
 */
function dayFactor(dayIndex: number, row: number): number {
  const weekday = (dayIndex + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  const weekend = weekday === 0 || weekday === 6 ? 0.55 : 1;
  const wobble = 0.8 + 0.2 * (((dayIndex * 7 + row * 13) % 11) / 10);
  return weekend * wobble;
}

/**
 * The embedded demo fleet over the window: daily rows for all three providers. No network, no credentials.
 * With --group-by keys, each row carries their values from the fleet's tags.
 */
export function demoUsage(window: UsageWindow, groupKeys: readonly GroupKey[] = []): UsageRecord[] {
  const { fleet } = parseJsonText(readFileSync(packageDataFile("demo-fleet.json"), "utf8"), "config/demo-fleet.json", Fleet, "demo data");
  const out: UsageRecord[] = [];
  const tags = fleet.map((f) => pickTags(f.provider, f.tags ?? {}, groupKeys));
  const last = parseDay(window.until, "--until");
  for (let t = parseDay(window.since, "--since"); t <= last; t = addDays(t, 1)) {
    const dayIndex = Math.round(t / dayMs);
    const start = `${formatDay(t)}T00:00:00Z`;
    const end = `${formatDay(addDays(t, 1))}T00:00:00Z`;
    fleet.forEach((f, i) => {
      const quantity = round2(f.hoursPerDay * dayFactor(dayIndex, i));
      out.push({
        provider: f.provider,
        account: f.account,
        region: f.region,
        instanceType: f.instanceType,
        unit: f.unit,
        quantity,
        periodStart: start,
        periodEnd: end,
        estimated: false,
        cost: round2(quantity * f.usdPerHour),
        currency: "USD",
        ...(tags[i] ? { tags: tags[i] } : {}),
      });
    });
  }
  return out;
}
