import { DuckDBInstance } from "@duckdb/node-api";
import type { AggregateFixture, Column } from "./bigquery.js";

type Label = { key: string; value: string };

/** One line of a Cloud Billing detailed export, with the fields the project's SQL reads. */
export interface ExportLine {
  usage_start_time: string;
  project: { id: string; labels: Label[] };
  location: { region: string };
  service: { description: string };
  sku: { description: string };
  usage: { unit: string; amount: number };
  labels: Label[];
  system_labels: Label[];
  cost_type?: string;
}

const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`;
const labelsSql = (labels: Label[]): string => `[${labels.map((l) => `{'key': ${lit(l.key)}, 'value': ${lit(l.value)}}`).join(", ")}]::STRUCT(key VARCHAR, value VARCHAR)[]`;

/**
 * BigQuery Standard SQL → DuckDB, for the constructs the project's query uses and nothing more: raw strings, the
 * REGEXP_ and TIMESTAMP functions, SAFE_CAST and the BigQuery type names, named parameters (as literals). The
 * label lookups keep their shape, a scalar subquery over the line's own array: `UNNEST(x) AS l` becomes a derived
 * table of that array, so a line that multiplied would multiply here too.
 */
export function toDuckDb(sql: string, params: ReadonlyArray<{ name: string; type: string; value: string }>): string {
  let out = sql
    .replace(/--[^\n]*/g, "")
    .replace(/`[^`]+`/g, "export_lines")
    .replace(/\br'((?:[^'\\]|\\.)*)'/g, "'$1'")
    .replace(/FORMAT_TIMESTAMP\('([^']*)', TIMESTAMP_TRUNC\(usage_start_time, (DAY|HOUR)\)\)/g, (_m, f: string, unit: string) => `strftime(date_trunc('${unit.toLowerCase()}', usage_start_time), '${f}')`)
    .replace(/REGEXP_EXTRACT\(([^,]+), ('[^']*')\)/g, "regexp_extract($1, $2, 1)")
    .replace(/REGEXP_CONTAINS\(/g, "regexp_matches(")
    .replace(/SAFE_CAST\(/g, "TRY_CAST(")
    .replace(/\bINT64\b/g, "BIGINT")
    .replace(/\bFLOAT64\b/g, "DOUBLE")
    .replace(/LOGICAL_OR\(/g, "bool_or(")
    .replace(/TIMESTAMP_SUB\(CURRENT_TIMESTAMP\(\), (INTERVAL \d+ HOUR)\)/g, "(now()::TIMESTAMP - $1)")
    .replace(/DATE_SUB\((@\w+), (INTERVAL \d+ DAY)\)/g, "($1 - $2)")
    .replace(/DATE_ADD\((@\w+), (INTERVAL \d+ DAY)\)/g, "($1 + $2)")
    .replace(/\bTIMESTAMP\(/g, "CAST((")
    .replace(/FROM UNNEST\(([\w.]+)\) AS l\b/g, "FROM (SELECT UNNEST($1) AS l)");
  // CAST(( … ) needs its closing `AS TIMESTAMP)`: each TIMESTAMP(x) wrapped x in one more pair of parentheses.
  out = closeCasts(out);
  for (const p of params) out = out.replace(new RegExp(`@${p.name}\\b`, "g"), p.type === "DATE" ? `DATE ${lit(p.value)}` : lit(p.value));
  return out;
}

/** `CAST((x)` → `CAST((x) AS TIMESTAMP)`: finds each opening's matching parenthesis. */
function closeCasts(sql: string): string {
  let out = sql;
  for (let at = out.indexOf("CAST(("); at >= 0; at = out.indexOf("CAST((", at + 1)) {
    let depth = 0;
    for (let i = at + 5; i < out.length; i++) {
      if (out[i] === "(") depth++;
      else if (out[i] === ")" && --depth === 0) {
        out = `${out.slice(0, i + 1)} AS TIMESTAMP)${out.slice(i + 1)}`;
        break;
      }
    }
  }
  return out;
}

/** Runs a jobs.query request's SQL over the lines, answering rows as the fake's fixture holds them (strings or null). */
export async function runExportSql(lines: readonly ExportLine[], body: Record<string, unknown>): Promise<Pick<AggregateFixture, "schema" | "rows">> {
  const params = ((body.queryParameters ?? []) as Array<{ name: string; parameterType: { type: string }; parameterValue: { value: string } }>).map((p) => ({
    name: p.name,
    type: p.parameterType.type,
    value: p.parameterValue.value,
  }));
  const instance = await DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false", autoload_known_extensions: "false" });
  const conn = await instance.connect();
  try {
    await conn.run("SET TimeZone = 'UTC'");
    const values = lines.map(
      (l) =>
        `(TIMESTAMP ${lit(l.usage_start_time.replace("Z", ""))}, TIMESTAMP ${lit(l.usage_start_time.slice(0, 10))}, ` +
        `{'id': ${lit(l.project.id)}, 'labels': ${labelsSql(l.project.labels)}}, {'region': ${lit(l.location.region)}}, ` +
        `{'description': ${lit(l.service.description)}}, {'description': ${lit(l.sku.description)}}, ` +
        `{'unit': ${lit(l.usage.unit)}, 'amount': ${l.usage.amount}::DOUBLE}, ${labelsSql(l.labels)}, ${labelsSql(l.system_labels)}, ${lit(l.cost_type ?? "regular")})`,
    );
    await conn.run(
      `CREATE TABLE export_lines AS SELECT * FROM (VALUES ${values.join(",\n")}) ` +
        "v(usage_start_time, _PARTITIONTIME, project, location, service, sku, usage, labels, system_labels, cost_type)",
    );
    const result = await conn.runAndReadAll(toDuckDb(String(body.query), params));
    const names = result.columnNames();
    const types = result.columnTypes().map((t) => String(t));
    const bqType = (t: string): Column["type"] => (t === "DOUBLE" ? "FLOAT" : t === "BIGINT" ? "INTEGER" : t === "BOOLEAN" ? "BOOLEAN" : "STRING");
    const schema = names.map((name, i) => ({ name, type: bqType(types[i]!) }));
    const rows = (result.getRowObjectsJS() as Record<string, unknown>[]).map((r) =>
      Object.fromEntries(names.map((n) => [n, r[n] === null || r[n] === undefined ? null : String(r[n])])),
    );
    return { schema, rows };
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}
