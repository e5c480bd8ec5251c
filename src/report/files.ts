import type { Stamp } from "../cli/options.js";

/** `<stamp>` of ARCHITECTURE.md: the run's start in UTC, YYYYMMDD_HHMMSS, or YYYYMMDD, or nothing. */
export function fileStamp(now: Date, stamp: Stamp): string {
  const iso = now.toISOString();
  const date = iso.slice(0, 10).replaceAll("-", "");
  if (stamp === "none") return "";
  if (stamp === "date") return `_${date}`;
  return `_${date}_${iso.slice(11, 19).replaceAll(":", "")}`;
}
