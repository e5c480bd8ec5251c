import { lit, type Engine } from "../engine/duckdb.js";
import { addDays, formatDay, parseDay } from "../cli/dates.js";
import { ledgerRows } from "./read.js";

/** CO2e of the window against the period of the same length just before it, when the ledger covers that period. */
export interface Comparison {
  previous: { since: string; until: string; days: number };
  previousCo2eKg: number;
  co2eKg: number;
  /** null when the previous period emitted nothing. */
  changePercent: number | null;
}

export async function compareWithPrevious(
  engine: Engine,
  dir: string,
  window: { since: string; days: number },
  co2eKg: number,
): Promise<Comparison | null> {
  const rows = ledgerRows(dir);
  if (rows === null) return null;
  const since = parseDay(window.since, "--since");
  const prevSince = formatDay(addDays(since, -window.days));
  const prevUntil = formatDay(addDays(since, -1));
  const [r] = await engine.rows(
    `SELECT min(period_start) AS first,
            sum(co2e_kg) FILTER (WHERE period_start >= ${lit(prevSince)}::TIMESTAMPTZ AND period_start < ${lit(window.since)}::TIMESTAMPTZ) AS kg
     FROM ${rows}`,
  );
  // The ledger must reach back to the start of the previous period, or the figure would be a part of it.
  if (!r || !(r.first instanceof Date) || formatDay(r.first.getTime()) > prevSince) return null;
  const previousCo2eKg = typeof r.kg === "number" ? r.kg : 0;
  return {
    previous: { since: prevSince, until: prevUntil, days: window.days },
    previousCo2eKg,
    co2eKg,
    changePercent: previousCo2eKg > 0 ? (100 * (co2eKg - previousCo2eKg)) / previousCo2eKg : null,
  };
}
