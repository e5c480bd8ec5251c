import { z } from "zod";

/**
 * One page of a Query result, as the wire (`properties`) or the SDK's flattened result carries it. The service
 * always sends `columns` and `rows` (`rows: []` is the one well-formed "no usage"): a page without them, such as
 * the SDK's result for an empty or foreign body, is not a result.
 */
export const QueryPage = z.object({
  columns: z.array(z.object({ name: z.string(), type: z.string().optional() })),
  rows: z.array(z.array(z.unknown())),
  nextLink: z.string().url().nullish(),
});
export type QueryPage = z.infer<typeof QueryPage>;

/** The raw JSON body of a page fetched by URL (nextLink): the result sits under `properties`. */
export const QueryPageBody = z.object({ properties: QueryPage });

/** A row of the query, read by column name. */
export interface UsageRow {
  /** YYYYMMDD as the service sends it at daily granularity. */
  usageDate: number;
  meter: string;
  location: string;
  quantityHours: number;
  cost: number | null;
  currency: string | null;
  /** Present only when the service adds a UnitOfMeasure column. */
  unit: string | null;
  /** With a TagKey grouping: the tag's value, "" for usage without the tag (the service's TagKey is "" then too). */
  tagValue?: string;
}

// The service names an aggregated column after what was summed; some account types report cost as "Cost",
// and the alias is accepted in case a version echoes it.
const columnNames = {
  usageDate: ["UsageDate"],
  meter: ["Meter"],
  location: ["ResourceLocation"],
  quantity: ["UsageQuantity", "totalQuantity"],
  cost: ["PreTaxCost", "Cost", "totalCost"],
  currency: ["Currency"],
  unit: ["UnitOfMeasure"],
  tagValue: ["TagValue"],
} as const;

type Field = keyof typeof columnNames;
const required: readonly Field[] = ["usageDate", "meter", "location", "quantity"];

export type ColumnIndex = Record<Field, number | undefined>;

/**
 * Finds each field's column by name, never by position; throws naming a missing required column. A query filtered to
 * one location (tagged.ts) is not grouped by it: `fixed` lists such fields.
 */
export function indexColumns(columns: QueryPage["columns"], fixed: readonly Field[] = []): ColumnIndex {
  const byName = new Map(columns.map((c, i) => [c.name.toLowerCase(), i]));
  const index = {} as ColumnIndex;
  for (const field of Object.keys(columnNames) as Field[]) {
    const hit = columnNames[field].map((n) => byName.get(n.toLowerCase())).find((i) => i !== undefined);
    if (hit === undefined && required.includes(field) && !fixed.includes(field)) {
      throw new Error(`query result has no ${columnNames[field].join("/")} column (columns: ${columns.map((c) => c.name).join(", ")})`);
    }
    index[field] = hit;
  }
  return index;
}

const num = z.union([z.number(), z.string().regex(/^-?\d+(\.\d+)?([eE][-+]?\d+)?$/).transform(Number)]).pipe(z.number().finite());
const text = z.string();

const cell = <T>(row: unknown[], i: number | undefined, schema: z.ZodType<T>, what: string): T | null => {
  if (i === undefined || row[i] === null || row[i] === undefined) return null;
  const parsed = schema.safeParse(row[i]);
  if (!parsed.success) throw new Error(`query row has a bad ${what}: ${JSON.stringify(row[i])}`);
  return parsed.data;
};

export function readRow(row: unknown[], index: ColumnIndex): UsageRow {
  const usageDate = cell(row, index.usageDate, num, "UsageDate");
  if (usageDate === null || !/^\d{8}$/.test(String(usageDate))) throw new Error(`query row has a bad UsageDate: ${JSON.stringify(row)}`);
  return {
    usageDate,
    meter: cell(row, index.meter, text, "Meter") ?? "",
    location: cell(row, index.location, text, "ResourceLocation") ?? "",
    quantityHours: cell(row, index.quantity, num, "UsageQuantity") ?? 0,
    cost: cell(row, index.cost, num, "cost"),
    currency: cell(row, index.currency, text, "Currency"),
    unit: cell(row, index.unit, text, "UnitOfMeasure"),
    ...(index.tagValue === undefined ? {} : { tagValue: cell(row, index.tagValue, text, "TagValue") ?? "" }),
  };
}
