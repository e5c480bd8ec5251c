import { join } from "node:path";
import { writeFileAtomic } from "../io/atomic.js";
import type { Stamp } from "../cli/options.js";

/** `<stamp>` of ARCHITECTURE.md: the run's start in UTC, YYYYMMDD_HHMMSS, or YYYYMMDD, or nothing. */
export function fileStamp(now: Date, stamp: Stamp): string {
  const iso = now.toISOString();
  const date = iso.slice(0, 10).replaceAll("-", "");
  if (stamp === "none") return "";
  if (stamp === "date") return `_${date}`;
  return `_${date}_${iso.slice(11, 19).replaceAll(":", "")}`;
}

/** Writes report files atomically; returns the paths written, in order. */
export function writeReportFiles(outDir: string, files: { name: string; content: string }[]): string[] {
  const written: string[] = [];
  for (const f of files) {
    const path = join(outDir, f.name);
    writeFileAtomic(path, f.content);
    written.push(path);
  }
  return written;
}
