import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";

/**
 * The FOCUS mode of the BigQuery fake: tables loaded from FOCUS files into DuckDB, answered through tables.get, and
 * GoogleSQL queries really run, on DuckDB. A query is translated before it runs, and the translation is strict
 * where GoogleSQL and DuckDB read the same text differently, so SQL that BigQuery would refuse or misread fails here:
 *
 * - backtick identifiers become double-quoted ones; a double-quoted word (a string in GoogleSQL) is refused;
 * - `r'…'` raw strings become plain DuckDB strings (both keep backslashes); a backslash in a plain string (an escape
 *   in GoogleSQL) is refused;
 * - `@name` takes the named DATE parameter, as a DATE literal; an undeclared name is refused;
 * - functions: SAFE_CAST → TRY_CAST, SAFE.JSON_VALUE → json_extract_string under TRY, REGEXP_CONTAINS →
 *   regexp_matches, REGEXP_EXTRACT(t, r'…') → regexp_extract(t, p, 1) (refused unless the pattern has exactly one
 *   group, as BigQuery does), COUNTIF → count_if, TIMESTAMP(d) → a cast to TIMESTAMPTZ, DATE_TRUNC(d, PART) and
 *   TIMESTAMP_TRUNC(t, PART) → date_trunc('part', …), TIMESTAMP_DIFF(a, b, PART) → date_diff('part', b, a),
 *   FORMAT_TIMESTAMP('%F %T', t, 'UTC') → strftime, TO_JSON_STRING → to_json as text; the type FLOAT64 is DOUBLE
 *   (STRING is already a DuckDB name). Everything else (DATE_ADD, STRING_AGG, STARTS_WITH, SELECT * REPLACE) is
 *   read alike by both.
 */

export interface FocusTableSpec {
  /** FOCUS CSV files, read together by name. */
  csv: string[];
  /** Every column as text, as a table loaded without types would hold it. */
  allText?: boolean;
  /** Columns given another DuckDB type after loading (e.g. `SkuPriceDetails: "JSON"`). */
  retype?: Record<string, string>;
  /** tables.get's timePartitioning: a column, `null` for ingestion time; absent when not partitioned. */
  partitionColumn?: string | null;
  kind?: "TABLE" | "VIEW";
}

export interface FocusColumn {
  name: string;
  type: string;
}

export interface FocusEngine {
  /** The tables.get answer for `project.dataset.table`, or undefined when there is no such table. */
  metadata(project: string, dataset: string, table: string): Record<string, unknown> | undefined;
  run(sql: string, parameters: Record<string, string>): Promise<{ schema: FocusColumn[]; rows: Record<string, string | null>[] }>;
  close(): void;
}

export const focusParameters = (body: Record<string, unknown>): Array<Record<string, any>> => (Array.isArray(body.queryParameters) ? (body.queryParameters as Array<Record<string, any>>) : []);

/** What a FOCUS query request must look like: the window only as named DATE parameters, under a cost guard. */
export function checkFocusRequest(body: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const sql = typeof body.query === "string" ? body.query : "";
  if (/\d{4}-\d{2}-\d{2}/.test(sql)) problems.push("a date literal in the SQL");
  if (body.useLegacySql !== false) problems.push("legacy SQL");
  if (String(body.parameterMode).toUpperCase() !== "NAMED") problems.push("parameters not named");
  if (!(typeof body.maximumBytesBilled === "string" && /^\d+$/.test(body.maximumBytesBilled))) problems.push("no maximumBytesBilled");
  for (const p of focusParameters(body)) {
    if (p.parameterType?.type !== "DATE" || !/^\d{4}-\d{2}-\d{2}$/.test(p.parameterValue?.value ?? "")) problems.push(`parameter @${p.name} is not a DATE`);
  }
  for (const name of ["since", "until"]) if (!focusParameters(body).some((p) => p.name === name) || !sql.includes(`@${name}`)) problems.push(`@${name} not used`);
  return problems;
}

const shims = [
  "CREATE TYPE FLOAT64 AS DOUBLE",
  "CREATE MACRO bq_timestamp(x) AS CAST(x AS TIMESTAMPTZ)",
  "CREATE MACRO bq_json_value(j, p) AS TRY(json_extract_string(j, p))",
  "CREATE MACRO bq_regexp_extract(s, p) AS regexp_extract(s, p, 1)",
  "CREATE MACRO to_json_string(x) AS CAST(to_json(x) AS VARCHAR)",
];

/** DuckDB's type names as BigQuery's schema spells them. */
function bigQueryType(duck: string): { type: string; mode?: string } {
  if (duck.endsWith("[]")) return { type: bigQueryType(duck.slice(0, -2)).type, mode: "REPEATED" };
  if (duck.startsWith("STRUCT")) return { type: "RECORD" };
  if (duck.startsWith("TIMESTAMP")) return { type: "TIMESTAMP" };
  if (duck.startsWith("DECIMAL")) return { type: "NUMERIC" };
  const map: Record<string, string> = { VARCHAR: "STRING", DOUBLE: "FLOAT", FLOAT: "FLOAT", BIGINT: "INTEGER", INTEGER: "INTEGER", HUGEINT: "INTEGER", BOOLEAN: "BOOLEAN", DATE: "DATE", JSON: "JSON" };
  return { type: map[duck] ?? duck };
}

const quoted = (name: string): string => `"${name.replaceAll('"', '""')}"`;
const lit = (s: string): string => `'${s.replaceAll("'", "''")}'`;

/** The quote-aware pass: identifiers, strings and parameters (see the module's comment). */
function translateTokens(sql: string, parameters: Record<string, string>): string {
  let out = "";
  for (let i = 0; i < sql.length; ) {
    const ch = sql[i]!;
    if (ch === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      i = end === -1 ? sql.length : end;
    } else if (ch === "`") {
      const end = sql.indexOf("`", i + 1);
      out += quoted(sql.slice(i + 1, end));
      i = end + 1;
    } else if (ch === '"') {
      throw new Error(`fake: a double-quoted word is a string in GoogleSQL: ${sql.slice(i, i + 30)}`);
    } else if (ch === "'" || ((ch === "r" || ch === "R") && sql[i + 1] === "'" && !/[A-Za-z0-9_]/.test(sql[i - 1] ?? " "))) {
      const raw = ch !== "'";
      const start = raw ? i + 2 : i + 1;
      const end = sql.indexOf("'", start);
      const body = sql.slice(start, end);
      if (!raw && body.includes("\\")) throw new Error(`fake: a backslash in a plain GoogleSQL string is an escape: '${body}'`);
      out += lit(body);
      i = end + 1;
    } else if (ch === "@") {
      const name = /^@([A-Za-z_][A-Za-z0-9_]*)/.exec(sql.slice(i))![1]!;
      const value = parameters[name];
      if (value === undefined) throw new Error(`fake: query parameter @${name} was not given`);
      out += `DATE ${lit(value)}`;
      i += name.length + 1;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
}

/** The arguments of the call whose `(` is at `open` (top-level commas, quotes respected) and the index after `)`. */
function callArgs(sql: string, open: number): { args: string[]; end: number } {
  const args: string[] = [];
  let depth = 0;
  let from = open + 1;
  let quote: string | null = null;
  for (let i = open; i < sql.length; i++) {
    const ch = sql[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "(") depth++;
    else if (ch === ")" && --depth === 0) {
      args.push(sql.slice(from, i).trim());
      return { args, end: i + 1 };
    } else if (ch === "," && depth === 1) {
      args.push(sql.slice(from, i).trim());
      from = i + 1;
    }
  }
  throw new Error("fake: unbalanced parentheses");
}

/** Rewrites every call of `name` (a whole word, any case) with `make`, innermost calls included. */
function rewriteCalls(sql: string, name: string, make: (args: string[]) => string): string {
  const re = new RegExp(`(?<![A-Za-z0-9_.])${name.replace(".", "\\.")}\\s*\\(`, "gi");
  for (let m = re.exec(sql); m; m = re.exec(sql)) {
    const open = m.index + m[0].length - 1;
    const { args, end } = callArgs(sql, open);
    sql = sql.slice(0, m.index) + make(args.map((a) => rewriteCalls(a, name, make))) + sql.slice(end);
    re.lastIndex = m.index + 1;
  }
  return sql;
}

/** Capturing groups in a regular expression: `(` not escaped and not followed by `?`. */
const groups = (pattern: string): number => (pattern.match(/(?<!\\)\((?!\?)/g) ?? []).length;

export function translateGoogleSql(sql: string, parameters: Record<string, string>): string {
  let s = translateTokens(sql, parameters);
  const part = (p: string): string => lit(p.toLowerCase());
  s = rewriteCalls(s, "SAFE_CAST", (a) => `TRY_CAST(${a.join(", ")})`);
  s = rewriteCalls(s, "SAFE.JSON_VALUE", (a) => `bq_json_value(${a.join(", ")})`);
  s = rewriteCalls(s, "REGEXP_CONTAINS", (a) => `regexp_matches(${a.join(", ")})`);
  s = rewriteCalls(s, "REGEXP_EXTRACT", (a) => {
    const n = groups(a[1] ?? "");
    if (a.length !== 2 || n !== 1) throw new Error(`fake: REGEXP_EXTRACT takes a pattern with one capturing group (got ${n})`);
    return `bq_regexp_extract(${a.join(", ")})`;
  });
  s = rewriteCalls(s, "COUNTIF", (a) => `count_if(${a.join(", ")})`);
  s = rewriteCalls(s, "TIMESTAMP", (a) => `bq_timestamp(${a.join(", ")})`);
  s = rewriteCalls(s, "DATE_TRUNC", ([x, p]) => `date_trunc(${part(p!)}, ${x})`);
  s = rewriteCalls(s, "TIMESTAMP_TRUNC", ([x, p]) => `date_trunc(${part(p!)}, ${x})`);
  s = rewriteCalls(s, "TIMESTAMP_DIFF", ([a, b, p]) => `date_diff(${part(p!)}, ${b}, ${a})`);
  s = rewriteCalls(s, "FORMAT_TIMESTAMP", ([f, x, zone]) => {
    if (zone !== "'UTC'") throw new Error("fake: FORMAT_TIMESTAMP without the UTC zone");
    return `strftime(${x}, ${f!.replace("%F", "%Y-%m-%d").replace("%T", "%H:%M:%S")})`;
  });
  return rewriteCalls(s, "TO_JSON_STRING", (a) => `to_json_string(${a.join(", ")})`);
}

export async function startFocusEngine(tables: Record<string, FocusTableSpec>): Promise<FocusEngine> {
  const instance = await DuckDBInstance.create(":memory:", { autoinstall_known_extensions: "false", autoload_known_extensions: "false" });
  const conn: DuckDBConnection = await instance.connect();
  await conn.run("SET TimeZone = 'UTC'");
  for (const s of shims) await conn.run(s);
  const schemas = new Map<string, { fields: Record<string, unknown>[]; spec: FocusTableSpec }>();
  for (const [name, spec] of Object.entries(tables)) {
    const read = `read_csv([${spec.csv.map(lit).join(", ")}], union_by_name = true, header = true, nullstr = ['NULL', 'null', '']${spec.allText ? ", all_varchar = true" : ""})`;
    await conn.run(`CREATE TABLE ${quoted(name)} AS SELECT * FROM ${read}`);
    for (const [column, type] of Object.entries(spec.retype ?? {})) await conn.run(`ALTER TABLE ${quoted(name)} ALTER ${quoted(column)} TYPE ${type}`);
    const described = (await conn.runAndReadAll(`DESCRIBE ${quoted(name)}`)).getRowObjectsJS();
    const fields = described.map((c) => ({ name: String(c.column_name), mode: "NULLABLE", ...bigQueryType(String(c.column_type)) }));
    schemas.set(name, { fields, spec });
  }
  return {
    metadata(project, dataset, table) {
      const found = schemas.get(`${project}.${dataset}.${table}`);
      if (!found) return undefined;
      const { fields, spec } = found;
      const partitioned = spec.partitionColumn === undefined ? {} : { timePartitioning: { type: "DAY", ...(spec.partitionColumn ? { field: spec.partitionColumn } : {}) } };
      return { kind: "bigquery#table", id: `${project}:${dataset}.${table}`, type: spec.kind ?? "TABLE", schema: { fields }, ...partitioned };
    },
    async run(sql, parameters) {
      const result = await conn.runAndReadAll(translateGoogleSql(sql, parameters));
      const names = result.columnNames();
      const types = result.columnTypes().map((t) => bigQueryType(String(t)).type);
      const schema = names.map((name, i) => ({ name, type: types[i] === "NUMERIC" ? "FLOAT" : types[i]! }));
      const rows = result.getRowsJS().map((row) => Object.fromEntries(names.map((n, i) => [n, row[i] === null || row[i] === undefined ? null : String(row[i])])));
      return { schema, rows };
    },
    close() {
      conn.closeSync();
      instance.closeSync();
    },
  };
}
