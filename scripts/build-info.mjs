// Run by `npm run build` after tsc: records the git commit the build was made from in dist/build-info.json, so an
// --audit pack can name it without running git (or needing a checkout) at run time. Outside a git checkout (a
// package installed from the registry) the commit is null.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";

const root = new URL("../", import.meta.url);
let commit = null;
let dirty = null;
try {
  const git = (...args) => execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  commit = git("rev-parse", "HEAD");
  // Uncommitted changes mean the commit alone does not say what was built.
  dirty = git("status", "--porcelain", "--untracked-files=no") !== "";
} catch {
  // No git, or not a checkout.
}
writeFileSync(new URL("dist/build-info.json", root), `${JSON.stringify({ commit, dirty })}\n`);
