import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { filesUnder } from "../audit/pack-files.js";
import { packPaths } from "../audit/material.js";
import { readPack } from "../audit/read-pack.js";
import { recompute } from "../audit/recompute.js";
import { ExitCode } from "../errors.js";
import type { RunDeps } from "../pipeline/run.js";
import type { Redactor } from "../text/redact.js";
import { sanitizeLine } from "../text/sanitize.js";
import { parsePackCli } from "./pack-options.js";

/** Where two files first differ: a line number for text, else a byte offset. */
function firstDifference(a: Buffer, b: Buffer): string {
  const n = Math.min(a.length, b.length);
  let at = 0;
  while (at < n && a[at] === b[at]) at++;
  if (at === n && a.length !== b.length) return `${a.length} bytes in the pack, ${b.length} replayed`;
  let line = 1;
  for (let i = 0; i < at; i++) if (a[i] === 0x0a) line++;
  return `first difference at line ${line} (byte ${at})`;
}

/**
 * `carbon-track replay DIR`: recomputes every output of an --audit pack from its inputs/ and factors/ alone (no
 * network, no credentials, the original --out not needed) and compares them with the pack's outputs/ byte for
 * byte. Exit 0 when all are identical; exit 1 with one line per output that differs, is missing or is new.
 */
export async function replay(deps: RunDeps, redactor: Redactor): Promise<number> {
  const opts = parsePackCli("replay", deps.argv, deps.cwd);
  const pack = readPack(opts.dir);
  const scratch = mkdtempSync(join(tmpdir(), "carbon-track-replay-"));
  try {
    await recompute(pack, scratch, redactor, async () => (await import("../engine/duckdb.js")).openEngine());
    // The replayed files, by the name the pack keeps them under (outputs/ is flat: the run's --out and its stdout).
    const replayed = new Map<string, string>();
    for (const rel of filesUnder(scratch)) replayed.set(rel.replace(/^files\//, ""), join(scratch, rel));
    const kept = filesUnder(join(opts.dir, packPaths.outputs));
    const lines: string[] = [];
    for (const name of kept) {
      const again = replayed.get(name);
      if (!again) lines.push(`missing: ${packPaths.outputs}/${name} was not produced by the replay`);
      else {
        const a = readFileSync(join(opts.dir, packPaths.outputs, name));
        const b = readFileSync(again);
        if (!a.equals(b)) lines.push(`differs: ${packPaths.outputs}/${name} (${firstDifference(a, b)})`);
      }
    }
    for (const name of replayed.keys()) if (!kept.includes(name)) lines.push(`extra: ${name} was produced by the replay but is not in ${packPaths.outputs}/`);
    const say = (line: string, stream = deps.stdout): void => void stream.write(`${sanitizeLine(line)}\n`);
    for (const l of lines) say(l);
    if (lines.length > 0) {
      say(`carbon-track: replay: ${lines.length} of ${kept.length} outputs are not reproduced byte for byte`, deps.stderr);
      return ExitCode.error;
    }
    if (!opts.quiet) say(`replayed: ${kept.length} outputs identical byte for byte (run ${pack.run.runId}, ${pack.usage.length} usage rows)`);
    return ExitCode.ok;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
