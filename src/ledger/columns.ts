import { detailColumns } from "../report/columns.js";
import type { FieldType } from "../report/columns.js";
import type { RunSource } from "../report/model.js";

/** What the ledger adds to every detail row: the run that wrote it. */
export interface RunStamp {
  runId: string;
  startedAt: Date;
  toolVersion: string;
  /** Hash of the shipped catalog, regions and availability data, and of the config file's overrides. */
  dataVersion: string;
  /** The run's --signal. */
  signal: string;
  /** The intensity provider the run chose (watttime, static). */
  intensity: string;
  source: RunSource;
}

export interface LedgerField {
  name: string;
  type: FieldType;
  description: string;
}

export const runFields: LedgerField[] = [
  { name: "run_id", type: "string", description: "the run that wrote the row" },
  { name: "run_started_at", type: "datetime", description: "when that run started" },
  { name: "tool_version", type: "string", description: "carbon-track version of that run" },
  { name: "data_version", type: "string", description: "hash of the catalog, regions and availability data (with config overrides) that run used" },
  { name: "run_signal", type: "string", description: "that run's --signal" },
  { name: "run_intensity", type: "string", description: "that run's intensity provider" },
  { name: "run_source", type: "string", description: "demo, input, providers or input+providers" },
];

/** Columns of a partition file: the detail columns but `provider` (it is in the path), then the run's. */
export const partitionColumns: readonly string[] = [...detailColumns.filter((c) => c.header !== "provider").map((c) => c.header), ...runFields.map((f) => f.name)];

