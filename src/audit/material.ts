import type { Comparison } from "../ledger/compare.js";
import type { IntensityTable, IntensityValue, RegionProvenance } from "../intensity/types.js";
import type { IntensitySignal } from "../schema.js";
import type { JsonHead } from "../report/json.js";
import type { Format, Stamp } from "../cli/options.js";
import type { GroupBudget } from "../attribution/budgets.js";
import type { GroupKey } from "../attribution/keys.js";

/**
 * What a pack's inputs/ hold, as files: written by the run (pack.ts), read back by `replay`. Everything the
 * estimate and report stages take besides the usage rows and the shipped factors.
 */

/** inputs/run.json: when and how the run wrote its outputs, so a replay writes the same bytes. */
export interface PackRun {
  runId: string;
  /** The run's start: file stamps and the JSON document's generatedAt. */
  generatedAt: string;
  head: JsonHead;
  output: { format: Format; stamp: Stamp; width: number | null; color: boolean; latestOnPartial: boolean; html: boolean };
  /** How the usage was split for the suggestion plans: one batch per provider (API runs), or one for all. */
  batching: "single" | "per-provider";
  /** The --config path as given (it names the factors' overrides in the rows' sources), or null. */
  configFile: string | null;
  /** The --utilization path as given, or null; its bytes are inputs/utilization.csv. */
  utilizationFile: string | null;
  budget: { kg: number; perDay: boolean } | null;
  /** The --group-by keys (tag aliases resolved): the detail files' columns and the report's tables by group. */
  groupKeys: GroupKey[];
  /** The group budgets (--budget NAME=VALUE:KG and the config's), each with the key it is for. */
  groupBudgets: GroupBudget[];
}

/** inputs/source-notes.json: what the sources and the ledger said, as the report quotes it (redacted). */
export interface SourceNotes {
  warnings: string[];
  failures: string[];
  comparison: Comparison | null;
}

/** One signal's table as JSON: per region key, per period start; and each region's whole-window value. */
export interface StoredTable {
  byRegion: Record<string, IntensityValue>;
  byPeriod: Record<string, Record<string, IntensityValue>>;
  provenance: RegionProvenance[];
  warnings: string[];
  failures: string[];
}

/** inputs/intensity.json: both signals' tables as the estimate applied them (candidate regions included). */
export type StoredTables = Record<IntensitySignal, StoredTable>;

export function storeTable(t: IntensityTable, clean: (text: string) => string): StoredTable {
  const value = (v: IntensityValue): IntensityValue => ({ ...v, note: clean(v.note) });
  return {
    byRegion: Object.fromEntries([...t.byRegion].map(([k, v]) => [k, value(v)])),
    byPeriod: Object.fromEntries([...t.byPeriod].map(([k, periods]) => [k, Object.fromEntries([...periods].map(([p, v]) => [p, value(v)]))])),
    provenance: t.provenance.map((p) => ({ ...p, note: clean(p.note) })),
    warnings: t.warnings.map(clean),
    failures: t.failures.map(clean),
  };
}

export function loadTable(s: StoredTable): IntensityTable {
  return {
    byRegion: new Map(Object.entries(s.byRegion)),
    byPeriod: new Map(Object.entries(s.byPeriod).map(([k, periods]) => [k, new Map(Object.entries(periods))])),
    provenance: s.provenance,
    warnings: s.warnings,
    failures: s.failures,
    requests: {},
  };
}

/** The shipped data files the estimate reads (src/pipeline/setup.ts), copied byte for byte into factors/. */
export const shippedFactors = ["catalog.json", "regions.json", "availability.json"] as const;

/** Paths inside a pack. */
export const packPaths = {
  usage: "inputs/usage.jsonl",
  intensity: "inputs/intensity.json",
  intensityCsv: "inputs/intensity.csv",
  run: "inputs/run.json",
  configuration: "inputs/configuration.json",
  notes: "inputs/source-notes.json",
  utilization: "inputs/utilization.csv",
  factorSources: "factors/sources.json",
  build: "factors/build.json",
  methodology: "methodology.md",
  manifest: "manifest.json",
  signature: "manifest.sig",
  sums: "SHA256SUMS",
  outputs: "outputs",
} as const;

/** The pack's own files that the manifest does not list: itself, its signature, and SHA256SUMS. */
export const unlisted: readonly string[] = [packPaths.manifest, packPaths.signature, packPaths.sums];
/** What SHA256SUMS leaves out: itself and the signature (it covers manifest.json). */
export const unsummed: readonly string[] = [packPaths.signature, packPaths.sums];

/** The captured stdout of the run, under outputs/: its extension follows the format. */
export const stdoutName = (format: Format): string =>
  `stdout.${format === "csv" ? "csv" : format === "json" ? "json" : format === "markdown" ? "md" : "txt"}`;

/** manifest.json's shape (written canonically: canonical.ts). */
export interface Manifest {
  packFormat: "carbon-track-audit/1";
  runId: string;
  generatedAt: string;
  window: JsonHead["period"];
  options: Record<string, unknown>;
  toolVersion: string;
  commit: string | null;
  commitDirty: boolean | null;
  queries: Record<string, { name: string; params: unknown }[]>;
  signature: { algorithm: "ed25519"; publicKeySha256: string; publicKeyPem: string } | null;
  files: { path: string; sha256: string; bytes: number }[];
}
