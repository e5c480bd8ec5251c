/** Shares of the budget at which the user is warned, in percent (ascending). */
export const budgetThresholdsPercent = [50, 80, 95] as const;

export interface BudgetInput {
  /** As given on the command line: kg for the whole window, or kg per day. */
  kg: number;
  perDay: boolean;
  /** Days in the window, to scale a per-day budget. */
  days: number;
  /** Central estimate and high bound of the window's CO2e. */
  co2eKg: number;
  co2eHighKg: number;
}

export interface BudgetStatus {
  /** The budget for the whole window. */
  limitKg: number;
  /** The per-day figure given, or null for a window budget. */
  perDayKg: number | null;
  days: number;
  usedKg: number;
  usedHighKg: number;
  /** usedKg / limitKg × 100. */
  usedPercent: number;
  usedHighPercent: number;
  /** The highest warning threshold the central estimate reached, or null. */
  thresholdPercent: number | null;
  /** The central estimate is over the budget: the run exits 4. */
  exceeded: boolean;
  /** Only the high bound is over the budget: a warning, not a failure. */
  highExceeded: boolean;
}

/** Compares the central estimate with the budget (ARCHITECTURE.md "Files and formats"); the high bound is shown beside it. */
export function evaluateBudget(b: BudgetInput): BudgetStatus {
  const limitKg = b.perDay ? b.kg * b.days : b.kg;
  const usedPercent = (100 * b.co2eKg) / limitKg;
  const usedHighPercent = (100 * b.co2eHighKg) / limitKg;
  let thresholdPercent: number | null = null;
  for (const t of budgetThresholdsPercent) if (usedPercent >= t) thresholdPercent = t;
  const exceeded = b.co2eKg > limitKg;
  return {
    limitKg,
    perDayKg: b.perDay ? b.kg : null,
    days: b.days,
    usedKg: b.co2eKg,
    usedHighKg: b.co2eHighKg,
    usedPercent,
    usedHighPercent,
    thresholdPercent,
    exceeded,
    highExceeded: !exceeded && b.co2eHighKg > limitKg,
  };
}
