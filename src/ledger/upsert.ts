import { copyFileSync, linkSync, mkdirSync, rmSync } from "node:fs";
import { dirname } from "node:path";
import { lit, type Engine } from "../engine/duckdb.js";
import { sqlTypes, readTypedCsv } from "../engine/typed-csv.js";
import { detailColumns, type Column } from "../report/columns.js";
import { partitionColumns, runFields, type RunStamp } from "./columns.js";
import { createGeneration, currentGeneration, datasets, fsyncPath, listPartitions, partitionFile, publishGeneration, pruneGenerations } from "./generations.js";

/**
 * Which days of which accounts a run speaks for. `window`: every provider × account in the run's data over the
 * window asked (API sources, or --input with an explicit window). `data`: each provider × account over its own
 * first to last day in the data (--input and --demo without a window).
 */
export type Coverage = { kind: "window"; since: string; until: string } | { kind: "data" };

export interface UpsertResult {
  rows: number;
  partitionsWritten: number;
}

const q = (name: string): string => `"${name}"`;

function runValues(run: RunStamp): string {
  const values: Record<string, string> = {
    run_id: lit(run.runId),
    run_started_at: `${lit(run.startedAt.toISOString())}::TIMESTAMPTZ`,
    tool_version: lit(run.toolVersion),
    data_version: lit(run.dataVersion),
    run_signal: lit(run.signal),
    run_intensity: lit(run.intensity),
    run_source: lit(run.source),
  };
  return runFields.map((f) => `${values[f.name]}::${sqlTypes[f.type]} AS ${q(f.name)}`).join(", ");
}

function months(lo: string, hi: string): string[] {
  const out: string[] = [];
  let [y, m] = [Number(lo.slice(0, 4)), Number(lo.slice(5, 7))];
  const last = hi.slice(0, 7);
  for (;;) {
    const month = `${y}-${String(m).padStart(2, "0")}`;
    out.push(month);
    if (month >= last) return out;
    [y, m] = m === 12 ? [y + 1, 1] : [y, m + 1];
  }
}

/**
 * The summary grain of a detail partition: per account × region × instance type × unit × UTC day, the sums a
 * dashboard charts. Energy and CO2e leave out rows of unknown power (their hours are counted apart), as in reports.
 */
function summarySelect(detailFile: string): string {
  return `SELECT account, region, instance_type, unit, CAST(period_start AS DATE) AS day, count(*) AS rows,
            sum(quantity_hours) AS quantity_hours, coalesce(sum(quantity_hours) FILTER (WHERE co2e_kg IS NULL), 0) AS unknown_power_hours,
            sum(energy_kwh) AS energy_kwh, sum(facility_energy_kwh) AS facility_energy_kwh,
            sum(facility_energy_low_kwh) AS facility_energy_low_kwh, sum(facility_energy_high_kwh) AS facility_energy_high_kwh,
            coalesce(sum(facility_energy_kwh) FILTER (WHERE intensity_source LIKE 'fallback:%'), 0) AS fallback_facility_energy_kwh,
            sum(co2e_kg) AS co2e_kg, sum(co2e_low_kg) AS co2e_low_kg, sum(co2e_high_kg) AS co2e_high_kg,
            CASE WHEN count(DISTINCT currency) <= 1 THEN sum(cost) END AS cost,
            CASE WHEN count(DISTINCT currency) <= 1 THEN any_value(currency) END AS currency
     FROM read_parquet(${lit(detailFile)}, hive_partitioning = false)
     GROUP BY ALL ORDER BY account, region, instance_type, unit, day`;
}

const day = (v: unknown): string => (v instanceof Date ? v.toISOString() : String(v)).slice(0, 10);

/**
 * Puts a run's rows (the detail CSV at `stagedCsv`) into the ledger at `dir`: in every partition the run covers,
 * the rows of the covered provider × account × day are replaced by the run's (a day restated to nothing loses
 * its rows); every other row stays as it was. The caller holds the ledger's lock.
 */
export async function upsertLedger(
  engine: Engine,
  dir: string,
  stagedCsv: string,
  run: RunStamp,
  coverage: Coverage,
  now: Date,
  columns: readonly Column<never>[] = detailColumns,
): Promise<UpsertResult> {
  await engine.run(`CREATE OR REPLACE TEMP TABLE incoming AS SELECT *, ${runValues(run)} FROM ${readTypedCsv(stagedCsv, columns)}`);
  // --group-by key columns (tag_team, …) after the usual ones: a partition keeps those its old rows had too.
  const extraOf = (names: readonly string[]): string[] => names.filter((n) => n !== "provider" && !partitionColumns.includes(n));
  const incomingExtra = extraOf(columns.map((c) => c.header));
  const span =
    coverage.kind === "window"
      ? `DATE ${lit(coverage.since)} AS lo, DATE ${lit(coverage.until)} AS hi`
      : "min(CAST(period_start AS DATE)) AS lo, max(CAST(period_start AS DATE)) AS hi";
  await engine.run(`CREATE OR REPLACE TEMP TABLE scope AS SELECT provider, account, ${span} FROM incoming GROUP BY provider, account`);
  const scope = await engine.rows("SELECT provider, min(lo) AS lo, max(hi) AS hi FROM scope GROUP BY provider ORDER BY provider");
  const affected = new Set(scope.flatMap((s) => months(day(s.lo), day(s.hi)).map((m) => `${String(s.provider)}\u0000${m}`)));

  const before = currentGeneration(dir);
  const gen = createGeneration(dir, now);
  const oldParts = new Map(listPartitions(before).map((p) => [`${p.provider}\u0000${p.month}`, p]));
  let rows = 0;
  let partitionsWritten = 0;
  for (const key of [...affected].sort()) {
    const [provider, month] = key.split("\u0000") as [string, string];
    const part = { provider, month };
    const old = oldParts.get(key);
    const kept = old
      ? `SELECT * FROM read_parquet(${lit(partitionFile(before!, "detail", part))}, hive_partitioning = false) o
         WHERE NOT EXISTS (SELECT 1 FROM scope s WHERE s.provider = ${lit(provider)} AND s.account = o.account
                           AND CAST(o.period_start AS DATE) BETWEEN s.lo AND s.hi)
         UNION ALL BY NAME `
      : "";
    const oldExtra = old ? extraOf((await engine.rows(`DESCRIBE SELECT * FROM read_parquet(${lit(partitionFile(before!, "detail", part))}, hive_partitioning = false)`)).map((c) => String(c.column_name))) : [];
    const cols = [...partitionColumns, ...new Set([...incomingExtra, ...oldExtra])].map(q).join(", ");
    const file = partitionFile(gen, "detail", part);
    mkdirSync(dirname(file), { recursive: true });
    const n = await engine.run(
      `COPY (SELECT ${cols} FROM (${kept}
         SELECT * EXCLUDE (provider) FROM incoming WHERE provider = ${lit(provider)} AND strftime(period_start, '%Y-%m') = ${lit(month)})
       ORDER BY account, region, instance_type, unit, period_start) TO ${lit(file)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    if (n === 0) {
      // A partition restated to nothing is simply not in the new generation.
      rmSync(dirname(file), { recursive: true, force: true });
      continue;
    }
    const summary = partitionFile(gen, "summary", part);
    mkdirSync(dirname(summary), { recursive: true });
    await engine.run(`COPY (${summarySelect(file)}) TO ${lit(summary)} (FORMAT parquet, COMPRESSION zstd)`);
    for (const f of [file, summary]) fsyncPath(f);
    rows += n;
    partitionsWritten++;
  }
  for (const [key, p] of oldParts) {
    if (affected.has(key)) continue;
    for (const d of datasets) {
      const file = partitionFile(gen, d, p);
      mkdirSync(dirname(file), { recursive: true });
      try {
        linkSync(partitionFile(before!, d, p), file);
      } catch {
        copyFileSync(partitionFile(before!, d, p), file); // a file system without hard links
      }
    }
  }
  await engine.run("DROP TABLE incoming; DROP TABLE scope");
  publishGeneration(dir, gen);
  pruneGenerations(dir, [gen, before]);
  return { rows, partitionsWritten };
}
