/** --input files for tests: rows in carbon-track's usage schema (docs/csv-schema.md). */
export interface UsageRow {
  provider: string;
  account: string;
  region: string;
  instanceType: string;
  unit?: "instance-hour" | "gpu-hour";
  hours: string;
  day: string;
}

export const usageHeader = "provider,account,region,instance_type,unit,quantity_hours,period_start,period_end,estimated,cost,currency";

const nextDay = (day: string): string => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

export function usageLine(r: UsageRow): string {
  return `${r.provider},${r.account},${r.region},${r.instanceType},${r.unit ?? "instance-hour"},${r.hours},${r.day}T00:00:00Z,${nextDay(r.day)}T00:00:00Z,false,,`;
}

export const usageCsv = (rows: readonly UsageRow[]): string => `${[usageHeader, ...rows.map(usageLine)].join("\n")}\n`;

/** The days from `since` to `until`, both inclusive. */
export function days(since: string, until: string): string[] {
  const out: string[] = [];
  for (let d = since; d <= until; d = nextDay(d)) out.push(d);
  return out;
}

/** The nine --input columns a bad-input case writes cell by cell, to make any one of them wrong. */
export const inputHeader = "provider,account,region,instance_type,unit,quantity_hours,period_start,period_end,estimated";

/** One --input line: a valid row, with `over` replacing cells as written. */
export const inputRow = (over: Partial<Record<string, string>> = {}): string =>
  Object.values({
    provider: "aws",
    account: "111122223333",
    region: "us-east-1",
    instance_type: "p5.48xlarge",
    unit: "instance-hour",
    quantity_hours: "24",
    period_start: "2026-10-01T00:00:00Z",
    period_end: "2026-10-02T00:00:00Z",
    estimated: "false",
    ...over,
  }).join(",");

export const inputCsv = (...lines: string[]): string => [inputHeader, ...lines].join("\n");
