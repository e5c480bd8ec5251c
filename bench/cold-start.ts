import { binPath } from "./paths.js";
import { median, runNode } from "./child.js";

export interface ColdStart {
  runs: number;
  nodeMs: number;
  versionMs: number;
  helpMs: number;
}

/**
 * Wall times of each command, interleaved `runs` times after one untimed warm-up of each: interleaving spreads any
 * background noise evenly over the commands, and the warm-up makes the file cache hot.
 */
export async function interleavedTimes<K extends string>(commands: Record<K, string[]>, runs: number): Promise<Record<K, number[]>> {
  const entries = Object.entries(commands) as [K, string[]][];
  const times = Object.fromEntries(entries.map(([name]) => [name, [] as number[]])) as Record<K, number[]>;
  for (const [, args] of entries) await runNode(args);
  for (let i = 0; i < runs; i++) {
    for (const [name, args] of entries) {
      const r = await runNode(args);
      if (r.code !== 0) throw new Error(`${args.join(" ")} exited ${r.code}: ${r.stderr}`);
      times[name].push(r.wallMs);
    }
  }
  return times;
}

/** Wall time from spawn to exit of bare node, --version and --help: medians of interleaved runs. */
export async function coldStart(runs: number): Promise<ColdStart> {
  const times = await interleavedTimes({ node: ["-e", "0"], version: [binPath, "--version"], help: [binPath, "--help"] }, runs);
  return { runs, nodeMs: median(times.node), versionMs: median(times.version), helpMs: median(times.help) };
}
