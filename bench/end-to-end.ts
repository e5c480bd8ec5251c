import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { binPath } from "./paths.js";
import { median, runNode } from "./child.js";
import type { Fakes } from "./fakes.js";

type Provider = "aws" | "azure" | "gcp";
const providers: Provider[] = ["aws", "azure", "gcp"];

export interface RunFigures {
  wallMs: number;
  /** Requests that reached each fake, counted by its proxy. */
  wire: Record<string, number>;
  /** What the CLI reported with --verbose (`<provider> requests: {...}`). */
  reported: Record<string, Record<string, number>>;
  /** The paths of the requests that reached each fake. */
  paths: Record<string, string[]>;
}

/** One `carbon-track 30` run against the proxies; cacheHome decides whether the WattTime cache is cold or warm. */
async function runOnce(fakes: Fakes, only: Provider[], cacheHome: string): Promise<RunFigures> {
  for (const p of Object.values(fakes.proxies)) p.reset();
  const env = Object.assign(
    { HOME: cacheHome, XDG_CACHE_HOME: cacheHome, NO_COLOR: "1", CARBON_TRACK_TIMEOUT_MS: "5000", CARBON_TRACK_RETRY_BASE_MS: "10" },
    fakes.env.watttime,
    fakes.env.location,
    ...only.map((p) => fakes.env[p]),
  );
  const args = [binPath, "30", "--providers", only.join(","), "--verbose", "--out", join(cacheHome, "out"), ...only.flatMap((p) => fakes.args[p])];
  const r = await runNode(args, { env, stdoutToNull: true });
  if (r.code !== 0) throw new Error(`carbon-track ${args.slice(1).join(" ")} exited ${r.code}:\n${r.stderr}`);
  const reported: RunFigures["reported"] = {};
  for (const m of r.stderr.matchAll(/(\w+) requests: (\{.*\})$/gm)) reported[m[1]!] = JSON.parse(m[2]!) as Record<string, number>;
  const wire = Object.fromEntries(Object.entries(fakes.proxies).map(([id, p]) => [id, p.count()]));
  const paths = Object.fromEntries(Object.entries(fakes.proxies).map(([id, p]) => [id, p.paths()]));
  return { wallMs: r.wallMs, wire, reported, paths };
}

const freshHome = (): string => mkdtempSync(join(tmpdir(), "ct-bench-home-"));

export interface EndToEnd {
  runs: number;
  allMs: number;
  singleMs: Record<Provider, number>;
  longestSingle: Provider;
  cold: RunFigures;
  warm: RunFigures;
}

/**
 * Figure 2: all providers + WattTime ÷ the slowest single provider + WattTime, each the median of `runs` runs with
 * a cold cache. Figure 3: the requests of the first all-provider run (cold) and of a second run on its cache (warm).
 */
export async function endToEnd(fakes: Fakes, runs: number): Promise<EndToEnd> {
  const single: Record<Provider, number[]> = { aws: [], azure: [], gcp: [] };
  const all: number[] = [];
  let cold: RunFigures | undefined;
  let warm: RunFigures | undefined;
  for (let i = 0; i < runs; i++) {
    for (const p of providers) single[p].push((await runOnce(fakes, [p], freshHome())).wallMs);
    const home = freshHome();
    const first = await runOnce(fakes, providers, home);
    all.push(first.wallMs);
    if (i === 0) {
      cold = first;
      warm = await runOnce(fakes, providers, home);
    }
  }
  const singleMs = { aws: median(single.aws), azure: median(single.azure), gcp: median(single.gcp) };
  const longestSingle = providers.reduce((a, b) => (singleMs[b] > singleMs[a] ? b : a));
  return { runs, allMs: median(all), singleMs, longestSingle, cold: cold!, warm: warm! };
}
