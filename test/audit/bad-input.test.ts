import { generateKeyPairSync } from "node:crypto";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { expectRefused, type BadInputCase } from "../helpers/bad-input.js";
import { runCli } from "../helpers/run-cli.js";
import { keyPair, scratch } from "./pack-helpers.js";

const rsaPem = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ type: "pkcs8", format: "pem" }).toString();

/** Each case is exit 2, one line, nothing created: not --out (checked by expectRefused), not the pack, no temporary beside it. */
const cases: BadInputCase[] = [
  { name: "--audit names a file", args: ["--demo", "--audit", "$DIR/taken"], files: { taken: "x" }, message: /--audit .*taken exists and is not a directory \(a file\)/ },
  { name: "--audit below a file", args: ["--demo", "--audit", "$DIR/taken/pack"], files: { taken: "x" }, message: /--audit .*taken\/pack cannot be created: .*taken is a file/ },
  { name: "--audit not empty", args: ["--demo", "--audit", "$DIR/old"], files: { "old/": "", "old/manifest.json": "{}" }, message: /--audit .*old is not empty: an evidence pack is never written over/ },
  // Unwritable even for root: /proc takes no new files (Linux).
  { name: "--audit where no file can be made", args: ["--demo", "--audit", "/proc/carbon-track-pack"], message: /--audit \/proc\/carbon-track-pack cannot be created in \/proc: / },
  { name: "--out inside --audit", args: ["--demo", "--audit", "$DIR/pack", "--out", "$DIR/pack/out"], message: /--out .*pack\/out is inside --audit .*pack: give the pack a directory of its own/ },
  { name: "--out the same as --audit", args: ["--demo", "--audit", "$DIR/pack", "--out", "$DIR/pack"], message: /--out .*pack is inside --audit/ },
  { name: "--audit empty", args: ["--demo", "--audit", ""], message: /--audit is empty: give a directory/ },
  { name: "a signing key that is no key", args: ["--demo", "--audit", "$DIR/pack"], env: { CARBON_TRACK_SIGNING_KEY: "-----BEGIN PRIVATE KEY-----\nnot-a-key\n-----END PRIVATE KEY-----\n" }, message: /CARBON_TRACK_SIGNING_KEY is not a PEM private key/ },
  { name: "a signing key path that is missing", args: ["--demo", "--audit", "$DIR/pack"], env: { CARBON_TRACK_SIGNING_KEY: "/nonexistent/key.pem" }, message: /CARBON_TRACK_SIGNING_KEY is neither a PEM key nor a readable file/ },
  { name: "an RSA signing key", args: ["--demo", "--audit", "$DIR/pack"], env: { CARBON_TRACK_SIGNING_KEY: rsaPem }, message: /CARBON_TRACK_SIGNING_KEY holds an RSA key, not Ed25519/ },
];

describe("--audit and CARBON_TRACK_SIGNING_KEY refused before anything is created", () => {
  for (const c of cases) {
    it(c.name, async () => {
      let dir = "";
      await expectRefused({ ...c, setup: (d) => void (dir = d) });
      expect(existsSync(join(dir, "pack"))).toBe(false);
      // Nothing beside it either: no temporary pack directory.
      expect(readdirSync(dir).filter((n) => n.endsWith(".tmp"))).toEqual([]);
      // The key never reaches the message.
      if (c.env?.CARBON_TRACK_SIGNING_KEY?.includes("BEGIN")) expect(c.message.source).not.toContain("MII");
    }, 30_000);
  }

  // Root writes through any permission bits, so the probe cannot fail there: the case runs as an ordinary user only.
  it.skipIf(process.getuid?.() === 0)("an unwritable --audit directory (skipped as root: permission bits do not bind root)", async () => {
    const { chmodSync, mkdirSync } = await import("node:fs");
    const dir = scratch("ro");
    mkdirSync(join(dir, "locked"));
    chmodSync(join(dir, "locked"), 0o500);
    const res = await runCli(["--demo", "--out", join(dir, "out"), "--audit", join(dir, "locked/pack")], { cwd: dir, env: { HOME: dir } });
    chmodSync(join(dir, "locked"), 0o700);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/^carbon-track: --audit .*locked\/pack cannot be created in .*locked: /);
    expect(existsSync(join(dir, "out"))).toBe(false);
    expect(readdirSync(join(dir, "locked"))).toEqual([]);
  }, 30_000);
});

describe("verify and replay refuse bad arguments with exit 2", () => {
  const dir = scratch("verify-args");
  const pub = keyPair(dir).publicPath;
  for (const [name, args, message] of [
    ["no directory", ["verify"], /verify: missing required argument 'dir'/],
    ["a directory that is not there", ["verify", join(dir, "nothing")], /verify: .*nothing is not a directory/],
    ["replay of a directory that is not there", ["replay", join(dir, "nothing")], /replay: .*nothing is not a directory/],
    ["a public key that is missing", ["verify", dir, "--public-key", join(dir, "none.pem")], /--public-key .*none\.pem cannot be read/],
    ["a public key that is not one", ["verify", dir, "--public-key", join(dir, "signing.pem.txt")], /cannot be read|is not a PEM public key/],
    ["--public-key on replay", ["replay", dir, "--public-key", pub], /replay: unknown option '--public-key'/],
  ] as const) {
    it(name, async () => {
      const res = await runCli([...args], { cwd: dir, env: { HOME: dir } });
      expect(res.code, res.stderr).toBe(2);
      expect(res.stdout).toBe("");
      expect(res.stderr.trimEnd().split("\n")).toHaveLength(1);
      expect(res.stderr).toMatch(message);
    }, 30_000);
  }
});
