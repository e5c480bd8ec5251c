import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, join, relative, sep } from "node:path";
import { UsageError } from "../../errors.js";
import type { Engine } from "../../engine/duckdb.js";
import { lit } from "../../engine/duckdb.js";
import { regularFile } from "../../io/regular-file.js";

/** The files an export holds, split by how the engine reads them. */
export interface ExportFiles {
  parquet: string[];
  csv: string[];
  /** Deliveries left out because a later one of the same billing period replaces them (EXPORTS.md trap 7). */
  skipped: number;
}

const kindOf = (path: string): "parquet" | "csv" | null =>
  /\.parquet$/i.test(path) ? "parquet" : /\.csv(\.gz)?$/i.test(path) ? "csv" : null;

const isGlob = (path: string): boolean => /[*?[]/.test(path);

function walk(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir, { recursive: true, encoding: "utf8" });
  } catch (err) {
    throw new UsageError(`--export ${dir} cannot be read (${(err as NodeJS.ErrnoException).code ?? "error"}): check the path`);
  }
  return names.map((n) => join(dir, n)).filter((p) => statSync(p, { throwIfNoEntry: false })?.isFile() === true);
}

/**
 * The billing period a file belongs to: the AWS partition folder (`BILLING_PERIOD=2026-10`, CUR 2.0 and FOCUS on AWS)
 * or Azure's run-range folder (`20261001-20261031`). A file in neither is a delivery of its own.
 */
function periodDir(path: string): string | null {
  const parts = dirname(path).split(sep);
  for (let i = parts.length - 1; i >= 0; i--) {
    if (/^billing_period=/i.test(parts[i]!) || /^\d{8}-\d{8}$/.test(parts[i]!)) return parts.slice(0, i + 1).join(sep);
  }
  return null;
}

/**
 * The data files of the current manifest of each billing period (AWS `…-Manifest.json`, `dataFiles`; Azure
 * `manifest.json`, `blobs[].blobName`), matched to local copies by the path below the export's `data/` folder or by
 * the file name. Null when the tree has no manifest.
 */
function manifestFiles(files: string[]): Set<string> | null {
  const manifests = files.filter((f) => /manifest\.json$/i.test(basename(f)));
  if (manifests.length === 0) return null;
  const listed = new Set<string>();
  for (const m of manifests) {
    let doc: { dataFiles?: unknown; blobs?: unknown };
    try {
      doc = JSON.parse(readFileSync(m, "utf8")) as typeof doc;
    } catch {
      throw new UsageError(`--export manifest ${m} is not valid JSON: remove it or copy it whole`);
    }
    const keys = Array.isArray(doc.dataFiles) ? doc.dataFiles : Array.isArray(doc.blobs) ? doc.blobs.map((b) => (b as { blobName?: unknown })?.blobName) : [];
    for (const k of keys) if (typeof k === "string") listed.add(k.replace(/^.*\/data\//, "data/"));
  }
  return listed;
}

function listedBy(listed: Set<string>, file: string): boolean {
  const rel = `/${file.split(sep).join("/")}`;
  for (const key of listed) if (key.startsWith("data/") ? rel.endsWith(`/${key}`) : basename(key) === basename(file)) return true;
  return false;
}

/** Keeps the latest delivery (the sub-folder holding the newest file) of each billing period. */
function latestDeliveries(files: string[]): { kept: string[]; skipped: number } {
  const byPeriod = new Map<string, Map<string, { files: string[]; newest: number }>>();
  const kept: string[] = [];
  for (const f of files) {
    const period = periodDir(f);
    if (period === null) {
      kept.push(f);
      continue;
    }
    const below = relative(period, f).split(sep);
    const delivery = below.length > 1 ? below[0]! : "";
    const deliveries = byPeriod.get(period) ?? new Map<string, { files: string[]; newest: number }>();
    byPeriod.set(period, deliveries);
    const d = deliveries.get(delivery) ?? { files: [], newest: 0 };
    deliveries.set(delivery, d);
    d.files.push(f);
    d.newest = Math.max(d.newest, statSync(f).mtimeMs);
  }
  let skipped = 0;
  for (const deliveries of byPeriod.values()) {
    const ordered = [...deliveries.entries()].sort((a, b) => a[1].newest - b[1].newest || a[0].localeCompare(b[0]));
    kept.push(...ordered.at(-1)![1].files);
    skipped += ordered.length - 1;
  }
  return { kept, skipped };
}

/**
 * The files to read for the --export paths: a file, a directory (walked) or a glob (expanded by the engine).
 * Within directories, the current manifests choose the files when there are any; otherwise the latest delivery
 * of each billing period. Globbing every delivery would count restated hours twice (EXPORTS.md §1, trap 7).
 */
export async function exportFiles(paths: readonly string[], engine: Engine): Promise<ExportFiles> {
  const out: ExportFiles = { parquet: [], csv: [], skipped: 0 };
  const add = (f: string): void => {
    const kind = kindOf(f);
    if (kind && !out[kind].includes(f)) out[kind].push(f);
  };
  for (const path of paths) {
    if (isGlob(path)) {
      const found = (await engine.rows(`SELECT file FROM glob(${lit(path)}) ORDER BY file`)).map((r) => String(r.file));
      if (!found.some((f) => kindOf(f))) throw new UsageError(`--export ${path} matches no .parquet, .csv or .csv.gz file`);
      const { kept, skipped } = latestDeliveries(found.filter((f) => kindOf(f)));
      out.skipped += skipped;
      kept.forEach(add);
      continue;
    }
    const stats = statSync(path, { throwIfNoEntry: false });
    if (stats?.isDirectory()) {
      const all = walk(path);
      const listed = manifestFiles(all);
      const data = all.filter((f) => kindOf(f));
      if (listed) {
        const chosen = data.filter((f) => listedBy(listed, f));
        out.skipped += data.length - chosen.length;
        chosen.forEach(add);
      } else {
        const { kept, skipped } = latestDeliveries(data);
        out.skipped += skipped;
        kept.forEach(add);
      }
      if (data.length === 0) throw new UsageError(`--export ${path} holds no .parquet, .csv or .csv.gz file`);
      continue;
    }
    regularFile(path, "--export", "give a Parquet, CSV or CSV.gz file, a directory or a glob");
    if (!kindOf(path)) throw new UsageError(`--export ${path} is not .parquet, .csv or .csv.gz: give an export data file`);
    add(path);
  }
  if (out.parquet.length + out.csv.length === 0) throw new UsageError(`--export: no data file to read (the manifests list none of the files present)`);
  return out;
}
