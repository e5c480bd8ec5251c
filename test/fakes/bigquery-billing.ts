import type { AggregateFixture } from "./bigquery.js";

/**
 * The billing export mode of the BigQuery fake (bigquery.ts): what its query request must look like, and the
 * fixture's days moved to the window a run asks for.
 */

/** What a well-formed request for the window must look like; each miss is one line. */
export function checkQueryRequest(body: Record<string, unknown>, bucket: "DAY" | "HOUR"): string[] {
  const problems: string[] = [];
  const sql = typeof body.query === "string" ? body.query : "";
  // The WHERE that starts a line: label lookups hold WHEREs of their own, inside a line.
  const where = sql.match(/^\s*WHERE([\s\S]*?)\)\s*,/m)?.[1] ?? "";
  const need = (ok: boolean, what: string): void => {
    if (!ok) problems.push(what);
  };
  need(/_PARTITION(TIME|DATE)\s*>=?[^\n]*@since/.test(where), "partition column not bounded below by @since");
  need(/_PARTITION(TIME|DATE)\s*<=?[^\n]*@until/.test(where), "partition column not bounded above by @until");
  need(/usage_start_time\s*>=\s*TIMESTAMP\(@since\)/.test(where), "usage_start_time not bounded below by @since");
  need(/usage_start_time\s*<\s*TIMESTAMP\(DATE_ADD\(@until, INTERVAL 1 DAY\)\)/.test(where), "usage_start_time not bounded above by @until + 1 day");
  need(/cost_type\s*=\s*'regular'/.test(where), "cost_type not restricted to regular");
  need(new RegExp(`TIMESTAMP_TRUNC\\(usage_start_time, ${bucket}\\)`).test(sql) && /GROUP BY/.test(sql), `not grouped by ${bucket}`);
  need(!/\d{4}-\d{2}-\d{2}/.test(sql), "a date literal in the SQL");
  need(/CAST\(SUM\([^)]*\) AS FLOAT64\)/.test(sql), "sum not cast to FLOAT64");
  need(body.useLegacySql === false, "legacy SQL");
  need(String(body.parameterMode).toUpperCase() === "NAMED", "parameters not named");
  need(typeof body.maximumBytesBilled === "string" && /^\d+$/.test(body.maximumBytesBilled), "no maximumBytesBilled");
  const params = Array.isArray(body.queryParameters) ? (body.queryParameters as Array<Record<string, any>>) : [];
  for (const name of ["since", "until"]) {
    const p = params.find((q) => q.name === name);
    need(p?.parameterType?.type === "DATE" && /^\d{4}-\d{2}-\d{2}$/.test(p?.parameterValue?.value ?? ""), `no DATE parameter @${name}`);
  }
  return problems;
}

export function dateParam(body: Record<string, unknown>, name: string): string | undefined {
  const params = Array.isArray(body.queryParameters) ? (body.queryParameters as Array<Record<string, any>>) : [];
  return params.find((q) => q.name === name)?.parameterValue?.value;
}

export function rebase(rows: AggregateFixture["rows"], since: string): AggregateFixture["rows"] {
  const days = rows.map((r) => r.period_start).filter((d): d is string => d !== null).sort();
  const first = days[0];
  if (!first) return rows;
  const shiftMs = Date.parse(`${since}T00:00:00Z`) - Date.parse(`${first.slice(0, 10)}T00:00:00Z`);
  return rows.map((r) =>
    r.period_start == null ? r : { ...r, period_start: new Date(Date.parse(r.period_start) + shiftMs).toISOString().replace(".000Z", "Z") },
  );
}
