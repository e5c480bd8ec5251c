import { readFileSync, statSync } from "node:fs";
import { parse } from "csv-parse/sync";
import type { Measurement, MeasuredUtilization } from "../calc/measured.js";
import { UsageError } from "../errors.js";
import { providerIds } from "../schema.js";

/**
 * Header names of the exporters docs/methodology.md shows, reduced to lower-case letters and digits with any
 * `[unit]` dropped: nvidia-smi (`power.draw [W]`, `utilization.gpu [%]`), DCGM field names, the CloudWatch agent's
 * `nvidia_smi_*` metrics, Azure Monitor (`TimeGenerated [UTC]`, `vmSize`) and Cloud Monitoring (`machine_type`).
 */
const aliases = {
  time: ["timestamp", "time", "date", "day", "timegenerated"],
  instanceType: ["instancetype", "vmsize", "machinetype"],
  provider: ["provider"],
  power: ["powerdraw", "powerw", "nvidiasmipowerdraw", "dcgmfidevpowerusage", "gpupowerusage"],
  utilization: ["utilizationgpu", "nvidiasmiutilizationgpu", "dcgmfidevgpuutil", "gpuutilization"],
} as const;

const normalise = (h: string): string => h.replace(/\[[^\]]*\]/g, "").toLowerCase().replace(/[^a-z0-9]/g, "");

/**
 * `2026/10/01 12:00:00.123` (nvidia-smi), `10/1/2026, 6:00:00.000 AM` (the Azure portal's CSV export, in UTC),
 * an ISO instant or a date: its UTC day (`2026-10-01`) and, when it has a time, its UTC hour (`2026-10-01T06`).
 */
function periodsOf(text: string): { day: string; hour: string | null } | null {
  const portal = /^(\d{1,2})\/(\d{1,2})\/(\d{4}),? (\d{1,2})(:\d{2}(?::\d{2}(?:\.\d+)?)?) ?([AP]M)$/i.exec(text.trim());
  const t = portal
    ? `${portal[3]}-${portal[1]!.padStart(2, "0")}-${portal[2]!.padStart(2, "0")}T${String((Number(portal[4]) % 12) + (/p/i.test(portal[6]!) ? 12 : 0)).padStart(2, "0")}${portal[5]}Z`
    : text.trim().replace(/^(\d{4})\/(\d{2})\/(\d{2})/, "$1-$2-$3");
  const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}):\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(t);
  if (!m || Number.isNaN(Date.parse(m[1]!))) return null;
  if (m[2] === undefined) return { day: m[1]!, hour: null };
  // Without an offset the time is read as UTC (nvidia-smi run with TZ=UTC).
  const ms = Date.parse(`${t.replace(" ", "T")}${m[3] ? "" : "Z"}`);
  if (Number.isNaN(ms)) return null;
  const iso = new Date(ms).toISOString();
  return { day: iso.slice(0, 10), hour: iso.slice(0, 13) };
}

/** A number with an optional unit (`245.31 W`, `87 %`); null for nvidia-smi's `[N/A]`. */
function valueOf(text: string): number | "n/a" | null {
  const t = text.trim();
  if (/^\[?n\/a\]?$/i.test(t)) return "n/a";
  const m = /^(-?\d+(?:\.\d+)?)\s*(?:w|%)?$/i.exec(t);
  return m ? Number(m[1]) : null;
}

interface Sum {
  kind: Measurement["kind"];
  total: number;
  samples: number;
}

/**
 * Reads --utilization: measured GPU power (watts per GPU) or GPU utilisation (percent) per instance type over
 * time, averaged per instance type and UTC day, and per UTC hour where the samples have a time. Every row is checked before anything is created; any problem
 * is one UsageError line (exit 2). Only a regular file is accepted.
 */
export function readUtilizationFile(path: string, label: string): MeasuredUtilization {
  let text: string;
  try {
    if (!statSync(path).isFile()) throw new UsageError(`--utilization ${label} is not a regular file`);
    text = readFileSync(path, "utf8");
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--utilization ${label} cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"}): check the path`);
  }
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: false, trim: true });
  } catch (err) {
    throw new UsageError(`--utilization ${label}: not a valid CSV (${(err as Error).message.split("\n")[0]})`);
  }
  const header = (rows[0] ?? []).map(normalise);
  const col = (names: readonly string[]): number => header.findIndex((h) => names.includes(h));
  const at = {
    time: col(aliases.time),
    instanceType: col(aliases.instanceType),
    provider: col(aliases.provider),
    power: col(aliases.power),
    utilization: col(aliases.utilization),
  };
  if (at.time < 0 || at.instanceType < 0 || (at.power < 0 && at.utilization < 0)) {
    throw new UsageError(
      `--utilization ${label}: needs a timestamp, an instance_type and a power.draw [W] or utilization.gpu [%] column (see docs/methodology.md)`,
    );
  }
  if (rows.length < 2) throw new UsageError(`--utilization ${label}: no data rows`);
  const format = at.power >= 0 ? `power ${rows[0]![at.power]}` : `utilization ${rows[0]![at.utilization]}`;
  const sums = new Map<string, Map<string, Sum>>();
  for (let i = 1; i < rows.length; i++) {
    const cells = rows[i]!;
    const where = `--utilization ${label} line ${i + 1}`;
    const periods = periodsOf(cells[at.time] ?? "");
    if (periods === null) throw new UsageError(`${where}: "${cells[at.time]}" is not a timestamp such as 2026-10-01T12:00:00Z`);
    const type = (cells[at.instanceType] ?? "").trim();
    if (type === "") throw new UsageError(`${where}: the instance type is empty`);
    const provider = at.provider >= 0 ? (cells[at.provider] ?? "").trim().toLowerCase() : "";
    if (provider !== "" && !(providerIds as readonly string[]).includes(provider)) throw new UsageError(`${where}: provider "${provider}" is not aws, azure or gcp`);
    const kind: Measurement["kind"] = at.power >= 0 ? "power" : "utilization";
    const raw = cells[kind === "power" ? at.power : at.utilization] ?? "";
    const v = valueOf(raw);
    if (v === "n/a") continue;
    const max = kind === "power" ? 5000 : 100;
    if (v === null || v < 0 || v > max) {
      throw new UsageError(`${where}: "${raw}" is not ${kind === "power" ? "a GPU power in watts (0-5000)" : "a GPU utilisation in percent (0-100)"}`);
    }
    const key = provider ? `${provider}:${type}` : type;
    let byPeriod = sums.get(key);
    if (!byPeriod) sums.set(key, (byPeriod = new Map()));
    // Each sample counts toward its day and, when it has a time, its hour (for --granularity hourly rows).
    for (const period of periods.hour === null ? [periods.day] : [periods.day, periods.hour]) {
      const sum = byPeriod.get(period) ?? { kind, total: 0, samples: 0 };
      sum.total += kind === "power" ? v : v / 100;
      sum.samples += 1;
      byPeriod.set(period, sum);
    }
  }
  const out = new Map<string, Map<string, Measurement>>();
  for (const [key, byPeriod] of sums) {
    const periods = new Map<string, Measurement>();
    for (const [period, sum] of byPeriod) {
      const what = period.length === 10 ? period : `${period}:00Z`;
      periods.set(period, { kind: sum.kind, value: sum.total / sum.samples, samples: sum.samples, source: `measured (${label}: ${format}, mean of ${what})` });
    }
    out.set(key, periods);
  }
  return out;
}
