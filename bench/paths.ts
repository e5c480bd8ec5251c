import { fileURLToPath } from "node:url";

/** The bench runs compiled from .bench-tmp/build/bench/: the repository is three levels up. */
export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
export const binPath = `${repoRoot}bin/carbon-track.js`;
export const distUrl = (module: string): string => new URL(`../../../dist/${module}`, import.meta.url).href;
export const workDir = `${repoRoot}.bench-tmp/work`;
