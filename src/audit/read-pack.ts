import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CarbonTrackError, ExitCode } from "../errors.js";
import type { UsageRecord } from "../schema.js";
import { packPaths, type PackRun, type SourceNotes, type StoredTables } from "./material.js";

/** What `replay` reads from a pack: inputs/ and factors/ only, never the outputs it compares against. */
export interface ReadPack {
  dir: string;
  run: PackRun;
  configuration: { options: Record<string, unknown>; config: Record<string, unknown> };
  notes: SourceNotes;
  tables: StoredTables;
  usage: UsageRecord[];
  /** A shipped factor file, as the pack holds it. */
  factor(name: string): unknown;
}

export function readPack(dir: string): ReadPack {
  const text = (rel: string): string => {
    try {
      return readFileSync(join(dir, rel), "utf8");
    } catch {
      throw new CarbonTrackError(`replay: ${rel} is missing from the pack: it cannot be replayed (carbon-track verify names what changed)`, ExitCode.error);
    }
  };
  const json = <T>(rel: string): T => {
    try {
      return JSON.parse(text(rel)) as T;
    } catch (err) {
      if (err instanceof CarbonTrackError) throw err;
      throw new CarbonTrackError(`replay: ${rel} is not valid JSON: the pack cannot be replayed (carbon-track verify names what changed)`, ExitCode.error);
    }
  };
  const usage: UsageRecord[] = [];
  let n = 0;
  for (const line of text(packPaths.usage).split("\n")) {
    n++;
    if (line === "") continue;
    try {
      usage.push(JSON.parse(line) as UsageRecord);
    } catch {
      throw new CarbonTrackError(`replay: ${packPaths.usage} line ${n} is not valid JSON (carbon-track verify names what changed)`, ExitCode.error);
    }
  }
  return {
    dir,
    run: json<PackRun>(packPaths.run),
    configuration: json(packPaths.configuration),
    notes: json<SourceNotes>(packPaths.notes),
    tables: json<StoredTables>(packPaths.intensity),
    usage,
    factor: (name) => json(`factors/${name}`),
  };
}
