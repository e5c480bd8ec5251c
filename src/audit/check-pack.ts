import { readFileSync } from "node:fs";
import { join } from "node:path";
import { createPublicKey, type KeyObject } from "node:crypto";
import { sha256 } from "./canonical.js";
import { packPaths, unlisted, type Manifest } from "./material.js";
import { filesUnder, sumsText } from "./pack-files.js";
import { publicKeyFingerprint, signatureHolds } from "./signing-key.js";

/** One thing wrong with a pack, naming the file. */
export interface Problem {
  kind: "changed" | "missing" | "extra" | "signature";
  path: string;
  detail?: string;
}

export interface PackCheck {
  problems: Problem[];
  /** How many files the manifest lists. */
  files: number;
  /** Whether the signature was checked, and against which key (SHA-256 of its SPKI DER). */
  signature: { checked: boolean; keySha256: string | null; named: string | null };
}

function embeddedKey(manifest: Manifest): KeyObject | null {
  try {
    return manifest.signature?.publicKeyPem ? createPublicKey(manifest.signature.publicKeyPem) : null;
  } catch {
    return null;
  }
}

const read = (path: string): Buffer | null => {
  try {
    return readFileSync(path);
  } catch {
    return null;
  }
};

/**
 * Re-hashes every file of the pack against its manifest, SHA256SUMS against the manifest, and the signature against
 * the manifest's exact bytes: with `key` when given, else with nothing (the manifest names the key that signed it,
 * and only the holder of the public key can tell it is theirs).
 */
export function checkPack(dir: string, key: KeyObject | null): PackCheck {
  const problems: Problem[] = [];
  const manifestBytes = read(join(dir, packPaths.manifest));
  const onDisk = filesUnder(dir);
  if (manifestBytes === null) return { problems: [{ kind: "missing", path: packPaths.manifest }], files: 0, signature: { checked: false, keySha256: null, named: null } };
  let manifest: Manifest | null = null;
  try {
    manifest = JSON.parse(manifestBytes.toString("utf8")) as Manifest;
    if (!Array.isArray(manifest.files)) manifest = null;
  } catch {
    manifest = null;
  }
  if (!manifest) return { problems: [{ kind: "changed", path: packPaths.manifest, detail: "not a pack manifest" }], files: 0, signature: { checked: false, keySha256: null, named: null } };

  const listed = new Set(manifest.files.map((f) => f.path));
  for (const f of manifest.files) {
    const bytes = read(join(dir, f.path));
    if (bytes === null) problems.push({ kind: "missing", path: f.path });
    else if (sha256(bytes) !== f.sha256) problems.push({ kind: "changed", path: f.path });
  }
  for (const path of onDisk) if (!listed.has(path) && !unlisted.includes(path)) problems.push({ kind: "extra", path });

  const named = manifest.signature?.publicKeySha256 ?? null;
  const signature = read(join(dir, packPaths.signature));
  // Without --public-key, the key the manifest names: that catches any change, but only the key's holder can say it is theirs.
  const against = key ?? embeddedKey(manifest);
  const keySha256 = against ? publicKeyFingerprint(against) : null;
  let verdict: "holds" | "fails" | "none" = "none";
  if (signature === null) {
    if (named !== null || key) problems.push({ kind: "missing", path: packPaths.signature });
  } else if (!against) {
    problems.push({ kind: "extra", path: packPaths.signature, detail: "the manifest names no signing key" });
  } else verdict = signatureHolds(manifestBytes, signature, against) ? "holds" : "fails";

  // SHA256SUMS must say what the manifest says, and hold manifest.json's own hash. Where the two disagree on that
  // hash, the signature tells which one changed.
  const sums = read(join(dir, packPaths.sums));
  const manifestHash = sha256(manifestBytes);
  let manifestBlamed = false;
  if (sums === null) problems.push({ kind: "missing", path: packPaths.sums });
  else {
    const expected = sumsText([...manifest.files, { path: packPaths.manifest, sha256: manifestHash }]);
    const summedManifest = /^([0-9a-f]{64}) {2}manifest\.json$/m.exec(sums.toString("utf8"))?.[1];
    if (summedManifest !== undefined && summedManifest !== manifestHash && verdict !== "holds") {
      manifestBlamed = true;
      problems.push(
        verdict === "fails"
          ? { kind: "changed", path: packPaths.manifest, detail: "neither its signature nor SHA256SUMS matches it" }
          : { kind: "changed", path: packPaths.manifest, detail: "or SHA256SUMS: they disagree on its hash, and no signature tells which" },
      );
    } else if (sums.toString("utf8") !== expected) problems.push({ kind: "changed", path: packPaths.sums });
  }
  if (verdict === "fails" && !manifestBlamed) {
    problems.push({ kind: "signature", path: packPaths.signature, detail: `does not match manifest.json under the ${key ? "public key given" : "key the manifest names"}` });
  }
  return { problems, files: manifest.files.length, signature: { checked: verdict !== "none", keySha256, named } };
}
