import { binPath } from "./paths.js";
import { median, runNode } from "./child.js";

export interface ColdStart {
  runs: number;
  nodeMs: number;
  versionMs: number;
  helpMs: number;
}

/**
 * Wall time from spawn to exit, median of `runs` interleaved runs (interleaving spreads any background noise
 * evenly over the three commands), after one untimed warm-up of each so the file cache is hot.
 */
export async function coldStart(runs: number): Promise<ColdStart> {
  const commands = { node: ["-e", "0"], version: [binPath, "--version"], help: [binPath, "--help"] };
  const times: Record<keyof typeof commands, number[]> = { node: [], version: [], help: [] };
  for (const args of Object.values(commands)) await runNode(args);
  for (let i = 0; i < runs; i++) {
    for (const [name, args] of Object.entries(commands) as [keyof typeof commands, string[]][]) {
      const r = await runNode(args);
      if (r.code !== 0) throw new Error(`${args.join(" ")} exited ${r.code}: ${r.stderr}`);
      times[name].push(r.wallMs);
    }
  }
  return { runs, nodeMs: median(times.node), versionMs: median(times.version), helpMs: median(times.help) };
}
