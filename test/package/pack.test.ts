import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/run-cli.js";

/** What `npm pack` would put in the tarball (from the built tree; .ci/smoke-node installs and runs the real one). */
describe("the packed package", () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
  const packed = JSON.parse(execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: repoRoot, encoding: "utf8" })) as [{ files: { path: string }[] }];
  const files = packed[0].files.map((f) => f.path);

  it("holds the compiled code, the bin with its help, the data, the schema and the man page, and nothing else", () => {
    for (const f of ["bin/carbon-track.js", "bin/package.json", "bin/help.txt", "dist/cli/main.js", "dist/io/leftovers.js", "config/catalog.json", "config/carbon-track.schema.json", "man/carbon-track.1", "package.json"]) {
      expect(files).toContain(f);
    }
    const outside = files.filter((f) => !/^(dist|config|man)\//.test(f) && !["bin/carbon-track.js", "bin/package.json", "bin/help.txt", "package.json", "README.md", "LICENSE"].includes(f));
    expect(outside).toEqual([]);
    expect(files.filter((f) => f.endsWith(".ts") || f.endsWith(".map"))).toEqual([]);
  });

  it("installs without a build step or devDependency; DuckDB is optional; engines are the tested Node lines", () => {
    // `prepare` builds a checkout (`npm ci`) and runs before `npm pack`; npm never runs it when installing a tarball.
    // What would run at a user's install is refused.
    for (const hook of ["preinstall", "install", "postinstall"]) expect(Object.keys(pkg.scripts)).not.toContain(hook);
    expect(pkg.optionalDependencies).toHaveProperty("@duckdb/node-api");
    expect(pkg.dependencies).not.toHaveProperty("@duckdb/node-api");
    for (const dev of Object.keys(pkg.devDependencies)) expect(pkg.dependencies).not.toHaveProperty(dev);
    expect(pkg.engines.node).toBe("^20.19.0 || ^22.12.0 || ^24.0.0");
    expect(pkg.bin).toEqual({ "carbon-track": "bin/carbon-track.js" });
  });
});
