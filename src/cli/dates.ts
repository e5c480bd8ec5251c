import { UsageError } from "../errors.js";
import { calendarDateProblem } from "../text/calendar.js";

const dayMs = 86_400_000;

/** Parses a strict YYYY-MM-DD calendar date (UTC); 2026-02-30 and 2026-13-01 are rejected. */
export function parseDay(text: string, flag: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) throw new UsageError(`${flag} "${text}" is not a date: use YYYY-MM-DD, e.g. 2026-10-01`);
  const problem = calendarDateProblem(Number(m[1]), Number(m[2]), Number(m[3]));
  if (problem) throw new UsageError(`${flag} "${text}" is not a real calendar date (${problem})`);
  return Date.parse(`${text}T00:00:00Z`);
}

export const formatDay = (t: number): string => new Date(t).toISOString().slice(0, 10);

export const startOfUtcDay = (now: Date): number => Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());

export const addDays = (t: number, n: number): number => t + n * dayMs;

/** Whole days from `since` to `until`, both inclusive. */
export const daysBetween = (since: number, until: number): number => Math.round((until - since) / dayMs) + 1;

export interface DayWindow {
  since: string;
  until: string;
  days: number;
}

export const maxWindowDays = 365;

/**
 * The usage window: `days` whole UTC days ending yesterday, or --since/--until (both inclusive).
 * With only --since, the window runs to yesterday; with only --until, it is `days` long and ends there.
 */
export function resolveWindow(opts: { days: number; since?: string; until?: string; now: Date }): DayWindow {
  const today = startOfUtcDay(opts.now);
  const until = opts.until !== undefined ? parseDay(opts.until, "--until") : addDays(today, -1);
  const since = opts.since !== undefined ? parseDay(opts.since, "--since") : addDays(until, -(opts.days - 1));
  if (since > until) {
    throw new UsageError(`--since ${formatDay(since)} is after --until ${formatDay(until)}: swap them or widen the window`);
  }
  if (until > today) throw new UsageError(`--until ${formatDay(until)} is in the future: billing data ends today (${formatDay(today)})`);
  const days = daysBetween(since, until);
  if (days > maxWindowDays) {
    throw new UsageError(`the window ${formatDay(since)}..${formatDay(until)} is ${days} days: at most ${maxWindowDays} per run`);
  }
  return { since: formatDay(since), until: formatDay(until), days };
}
