import type { Column } from "./columns.js";

/** One CSV file of a run and the columns it was written with. */
export interface PackagedFile {
  name: string;
  path: string;
  columns: readonly Column<never>[];
}

function field(c: Column<never>): Record<string, unknown> {
  return {
    name: c.header,
    type: c.type,
    ...(c.type === "datetime" ? { format: "%Y-%m-%dT%H:%M:%S%z" } : {}),
    ...(c.type === "boolean" ? { trueValues: ["true"], falseValues: ["false"] } : {}),
    ...(c.decimals !== undefined ? { decimals: c.decimals } : {}),
    ...(c.unit !== undefined ? { unit: c.unit } : {}),
    description: c.description,
  };
}

/**
 * datapackage.json (Frictionless Data Package with Table Schemas) for the CSV files of a run, generated from the
 * same column definitions the files are written with: each column's type, unit and description. `unit` and
 * `decimals` are extension properties (the Table Schema has none for them).
 */
export function dataPackage(files: readonly PackagedFile[]): string {
  const doc = {
    profile: "tabular-data-package",
    name: "carbon-track",
    resources: files.map((f) => ({
      name: f.name,
      path: f.path,
      profile: "tabular-data-resource",
      format: "csv",
      mediatype: "text/csv",
      encoding: "utf-8",
      dialect: { delimiter: ",", lineTerminator: "\r\n", quoteChar: '"', doubleQuote: true, header: true },
      schema: { fields: f.columns.map(field), missingValues: [""] },
    })),
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
