import { execSync } from "node:child_process";
import { existsSync, mkdirSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { repoRoot } from "./paths.js";

/** The build issue 22 is measured against: the last commit before its changes. */
export const BASELINE_COMMIT = "e3b2622";

/**
 * The CLI as it was at BASELINE_COMMIT, built once into .bench-tmp/ (git archive of that commit, the repository's
 * node_modules linked in, `npm run build`), so the bench can run it side by side with today's build. Null when the
 * repository's history is not at hand (a tarball): the bench then says so and gives no ratio.
 */
export function baselineBin(): string | null {
  const dir = `${repoRoot}.bench-tmp/baseline-${BASELINE_COMMIT}`;
  const bin = `${dir}/bin/carbon-track.js`;
  if (existsSync(`${dir}/dist/cli/main.js`)) return bin;
  try {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    execSync(`git -C "${repoRoot}" archive ${BASELINE_COMMIT} | tar -x -C "${dir}"`, { stdio: "ignore" });
    symlinkSync(realpathSync(`${repoRoot}node_modules`), `${dir}/node_modules`, "dir");
    execSync("npm run build", { cwd: dir, stdio: "ignore" });
    return bin;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
}
