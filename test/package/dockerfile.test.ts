import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/run-cli.js";

/**
 * The lint CI gives the Dockerfile (no hadolint can be installed here; .ci/run builds the image when a builder is
 * present): the rules hadolint would hold this file to, and the ones this project adds.
 */
describe("Dockerfile", () => {
  const text = readFileSync(join(repoRoot, "Dockerfile"), "utf8");
  const instructions = text
    .replace(/\\\n/g, " ")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.trimStart().startsWith("#"))
    .map((l) => {
      const [word, ...rest] = l.trim().split(/\s+/);
      return { op: word!.toUpperCase(), args: rest.join(" ") };
    });
  const stages = instructions.reduce<(typeof instructions)[]>((acc, i) => (i.op === "FROM" ? [...acc, [i]] : (acc.at(-1)!.push(i), acc)), []);
  const runtime = stages.at(-1)!;

  it("uses a slim Node base with a version tag, never latest", () => {
    for (const from of instructions.filter((i) => i.op === "FROM")) expect(from.args).toMatch(/^node:(20|22|24)-[a-z]+-slim( AS \w+)?$/);
  });

  it("runs the installed package as a non-root user, exec-form entry point", () => {
    expect(runtime.filter((i) => i.op === "USER").at(-1)?.args).toBe("node");
    const entry = runtime.find((i) => i.op === "ENTRYPOINT")!;
    expect(JSON.parse(entry.args)).toEqual(["carbon-track"]);
    // The runtime stage installs the packed tarball without devDependencies, and copies no source.
    expect(runtime.some((i) => i.op === "RUN" && /npm install --global .*--omit=dev .*\.tgz/.test(i.args))).toBe(true);
    expect(runtime.filter((i) => i.op === "COPY").every((i) => i.args.startsWith("--from=build /tmp/carbon-track.tgz"))).toBe(true);
  });

  it("has no instruction hadolint warns about", () => {
    for (const i of instructions) {
      expect(i.op, i.args).not.toBe("ADD");
      expect(i.op, i.args).not.toBe("MAINTAINER");
      if (i.op === "RUN") {
        expect(i.args).not.toMatch(/\bsudo\b|\bcd\s/);
        if (/apt-get install/.test(i.args)) expect(i.args).toMatch(/--no-install-recommends.*rm -rf \/var\/lib\/apt\/lists/);
      }
      if (i.op === "WORKDIR") expect(i.args).toMatch(/^\//);
    }
    expect(instructions.filter((i) => i.op === "CMD").length).toBeLessThanOrEqual(1);
  });
});
