import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../helpers/run-cli.js";
import { copyPack, hasProgram, keyPair, packFiles, scratch } from "./pack-helpers.js";

// One signed pack from the demo, written once; every tampering case spoils a copy of it.
let home: string;
let pack: string;
let keys: ReturnType<typeof keyPair>;

beforeAll(async () => {
  home = scratch("demo");
  keys = keyPair(home);
  pack = join(home, "pack");
  const res = await runCli(["--demo", "--stamp", "none", "--out", join(home, "out"), "--audit", pack, "-q"], { cwd: home, env: { HOME: home, CARBON_TRACK_SIGNING_KEY: keys.privatePath } });
  expect(res.code, res.stderr).toBe(0);
}, 60_000);

const verify = (dir: string, ...more: string[]) => runCli(["verify", dir, ...more], { cwd: home, env: { HOME: home } });

describe("an --audit pack from the demo", () => {
  it("holds inputs, factors, outputs, methodology, a canonical manifest, SHA256SUMS and a 64-byte signature", () => {
    const files = packFiles(pack);
    for (const f of ["inputs/usage.jsonl", "inputs/intensity.json", "inputs/intensity.csv", "inputs/run.json", "inputs/configuration.json", "inputs/source-notes.json"]) expect(files).toContain(f);
    for (const f of ["factors/catalog.json", "factors/regions.json", "factors/availability.json", "factors/sources.json", "factors/build.json"]) expect(files).toContain(f);
    for (const f of ["outputs/carbon_detail.csv", "outputs/carbon_summary.csv", "outputs/carbon_suggestions.csv", "outputs/datapackage.json", "outputs/stdout.txt"]) expect(files).toContain(f);
    // The outputs in the pack are the run's own files.
    expect(readFileSync(join(pack, "outputs/carbon_detail.csv"))).toEqual(readFileSync(join(home, "out/carbon_detail.csv")));
    const text = readFileSync(join(pack, "manifest.json"), "utf8");
    expect(text.endsWith("}\n")).toBe(true);
    expect(text.slice(0, -1)).not.toMatch(/\n|\r/);
    const manifest = JSON.parse(text) as { files: { path: string }[]; runId: string; toolVersion: string; window: { since: string } };
    // Canonical: keys sorted at every depth, so re-serialising with sorted keys gives the same bytes.
    const sorted = (v: unknown): unknown =>
      Array.isArray(v) ? v.map(sorted) : v && typeof v === "object" ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])])) : v;
    expect(`${JSON.stringify(sorted(manifest))}\n`).toBe(text);
    const listed = manifest.files.map((f) => f.path);
    expect(listed).toEqual(files.filter((f) => !["manifest.json", "manifest.sig", "SHA256SUMS"].includes(f)).sort());
    expect(manifest.runId).toMatch(/^[0-9a-f-]{36}$/);
    expect(readFileSync(join(pack, "manifest.sig"))).toHaveLength(64);
    const methodology = readFileSync(join(pack, "methodology.md"), "utf8");
    expect(methodology).toContain(manifest.runId);
    expect(methodology).toMatch(/## Uncertainty/);
    expect(methodology).toMatch(/not in the catalog/);
  });

  it("verifies, with the public key and without", async () => {
    const withKey = await verify(pack, "--public-key", keys.publicPath);
    expect(withKey.code, withKey.stderr).toBe(0);
    expect(withKey.stdout).toMatch(/signature holds under the public key given/);
    const without = await verify(pack);
    expect(without.code, without.stderr).toBe(0);
    expect(without.stdout).toMatch(/give --public-key/);
  });

  it("fails naming the file when any one byte of any file is flipped", async () => {
    const files = packFiles(pack);
    expect(files.length).toBeGreaterThan(15);
    for (const file of files) {
      const copy = copyPack(pack, "flip");
      const bytes = readFileSync(join(copy, file));
      const at = Math.floor(bytes.length / 2);
      bytes[at] = bytes[at]! ^ 0x01;
      writeFileSync(join(copy, file), bytes);
      const res = await verify(copy, "--public-key", keys.publicPath);
      expect(res.code, `${file}: ${res.stdout}`).toBe(1);
      expect(res.stdout, file).toContain(`changed: ${file}`);
      expect(res.stderr).toMatch(/^carbon-track: verify: \d+ problems?: the pack is not as it was written\n$/);
    }
  }, 240_000);

  it("tells a changed manifest.json from a changed SHA256SUMS where they disagree on the manifest's hash", async () => {
    // A hex digit changed in either keeps both files well formed: only the signature tells which one was edited.
    const digit = (c: string): string => (c === "0" ? "1" : "0");
    const manifestCopy = copyPack(pack, "manifest-digit");
    const m = readFileSync(join(manifestCopy, "manifest.json"), "utf8");
    const at = m.indexOf('"sha256":"') + 10;
    writeFileSync(join(manifestCopy, "manifest.json"), m.slice(0, at) + digit(m[at]!) + m.slice(at + 1));
    const edited = await verify(manifestCopy, "--public-key", keys.publicPath);
    expect(edited.code).toBe(1);
    expect(edited.stdout).toMatch(/^changed: manifest\.json \(neither its signature nor SHA256SUMS matches it\)$/m);
    expect(edited.stdout).not.toMatch(/^changed: (SHA256SUMS|manifest\.sig)/m);

    const sumsCopy = copyPack(pack, "sums-digit");
    const sums = readFileSync(join(sumsCopy, "SHA256SUMS"), "utf8");
    const line = sums.search(/^[0-9a-f]{64} {2}manifest\.json$/m);
    writeFileSync(join(sumsCopy, "SHA256SUMS"), sums.slice(0, line) + digit(sums[line]!) + sums.slice(line + 1));
    const summed = await verify(sumsCopy, "--public-key", keys.publicPath);
    expect(summed.code).toBe(1);
    expect(summed.stdout.trimEnd().split("\n")).toEqual(["changed: SHA256SUMS"]);
  }, 60_000);

  it("fails naming a deleted file and an added one", async () => {
    const deleted = copyPack(pack, "delete");
    rmSync(join(deleted, "inputs/intensity.json"));
    const gone = await verify(deleted, "--public-key", keys.publicPath);
    expect(gone.code).toBe(1);
    expect(gone.stdout).toContain("missing: inputs/intensity.json");

    const added = copyPack(pack, "add");
    writeFileSync(join(added, "outputs/carbon_detail_extra.csv"), "a,b\r\n");
    const extra = await verify(added, "--public-key", keys.publicPath);
    expect(extra.code).toBe(1);
    expect(extra.stdout).toContain("extra: outputs/carbon_detail_extra.csv");

    const unsigned = copyPack(pack, "nosig");
    rmSync(join(unsigned, "manifest.sig"));
    const nosig = await verify(unsigned, "--public-key", keys.publicPath);
    expect(nosig.code).toBe(1);
    expect(nosig.stdout).toContain("missing: manifest.sig");
  }, 60_000);

  it("fails under a wrong public key", async () => {
    const other = keyPair(scratch("other"), "other");
    const res = await verify(pack, "--public-key", other.publicPath);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^changed: manifest\.sig \(does not match manifest\.json under the public key given\)$/m);
  });

  it.skipIf(!hasProgram("openssl", ["version"]))("is accepted by openssl pkeyutl -verify as docs/audit.md shows (skipped when openssl is not installed)", () => {
    const out = execFileSync("openssl", ["pkeyutl", "-verify", "-pubin", "-inkey", keys.publicPath, "-rawin", "-in", "manifest.json", "-sigfile", "manifest.sig"], { cwd: pack, encoding: "utf8" });
    expect(out).toMatch(/Signature Verified Successfully/);
    // And the key openssl makes signs packs too.
    expect(execFileSync("openssl", ["version"], { encoding: "utf8" })).toMatch(/OpenSSL/);
  });

  it.skipIf(!hasProgram("sha256sum", ["--version"]))("SHA256SUMS passes sha256sum -c (skipped without coreutils)", () => {
    const out = execFileSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: pack, encoding: "utf8" });
    expect(out.trimEnd().split("\n").every((l) => l.endsWith(": OK"))).toBe(true);
    expect(out).toContain("manifest.json: OK");
  });

  it("replays byte for byte after being moved, with the original --out gone", async () => {
    const moved = copyPack(pack, "moved");
    rmSync(join(home, "out"), { recursive: true, force: true });
    const res = await runCli(["replay", moved], { cwd: scratch("elsewhere"), env: { HOME: home } });
    expect(res.code, res.stdout + res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^replayed: 6 outputs identical byte for byte/);
    expect(existsSync(join(home, "out"))).toBe(false);
  }, 60_000);

  it("replay lists an output the inputs no longer give", async () => {
    const spoiled = copyPack(pack, "spoiled");
    const usage = readFileSync(join(spoiled, "inputs/usage.jsonl"), "utf8").split("\n");
    usage[0] = usage[0]!.replace(/"quantity":[0-9.]+/, '"quantity":12345');
    writeFileSync(join(spoiled, "inputs/usage.jsonl"), usage.join("\n"));
    const res = await runCli(["replay", spoiled], { cwd: home, env: { HOME: home } });
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^differs: outputs\/carbon_detail\.csv \(first difference at line 2 /m);
    expect(res.stdout).toMatch(/^differs: outputs\/carbon_summary\.csv/m);
    expect(res.stderr).toMatch(/outputs are not reproduced byte for byte/);
  }, 60_000);
});

describe("replay of other formats", () => {
  for (const [format, extra] of [
    ["json", []],
    ["csv", ["--html"]],
    ["markdown", []],
  ] as const) {
    it(`reproduces a --format ${format}${extra.length ? ` ${extra.join(" ")}` : ""} run`, async () => {
      const dir = scratch(`fmt-${format}`);
      const run = await runCli(["--demo", "--format", format, ...extra, "--out", join(dir, "out"), "--audit", join(dir, "pack"), "-q"], { cwd: dir, env: { HOME: dir } });
      expect(run.code, run.stderr).toBe(0);
      const res = await runCli(["replay", join(dir, "pack")], { cwd: dir, env: { HOME: dir } });
      expect(res.code, res.stdout + res.stderr).toBe(0);
      // The document on stdout is in the pack as the run printed it.
      const name = format === "json" ? "stdout.json" : format === "csv" ? "stdout.csv" : "stdout.md";
      expect(readFileSync(join(dir, "pack/outputs", name), "utf8")).toBe(run.stdout);
    }, 60_000);
  }
});
