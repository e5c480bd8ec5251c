import { createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { UsageError } from "../errors.js";
import { describeFsError } from "../io/fs-errors.js";
import { sha256 } from "./canonical.js";

/** The key that signs a pack's manifest, with what identifies its public half. */
export interface SigningKey {
  sign(bytes: Uint8Array): Buffer;
  /** SHA-256 of the public key's SPKI DER: named in the manifest, so a verifier can tell which key is expected. */
  publicKeySha256: string;
  /** The public half (SPKI PEM), written in the signed manifest: `verify` checks the signature even without --public-key. */
  publicKeyPem: string;
}

/** The fingerprint the manifest names: SHA-256 of the SPKI DER of the public key. */
export const publicKeyFingerprint = (key: KeyObject): string => sha256(key.export({ type: "spki", format: "der" }));

/**
 * CARBON_TRACK_SIGNING_KEY: an Ed25519 private key in PEM, or the path of a file holding one. Read before anything
 * is created; a key that cannot be read or is not Ed25519 is exit 2 with one line that never quotes the key.
 */
export function signingKeyFrom(env: NodeJS.ProcessEnv, cwd: string): SigningKey | null {
  const given = env.CARBON_TRACK_SIGNING_KEY?.trim();
  if (!given) return null;
  let pem = given;
  if (!given.startsWith("-----BEGIN")) {
    try {
      pem = readFileSync(resolve(cwd, given), "utf8");
    } catch (err) {
      throw new UsageError(`CARBON_TRACK_SIGNING_KEY is neither a PEM key nor a readable file: ${describeFsError(err)}`);
    }
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pem, format: "pem" });
  } catch {
    throw new UsageError("CARBON_TRACK_SIGNING_KEY is not a PEM private key (expected Ed25519: openssl genpkey -algorithm ed25519)");
  }
  if (key.asymmetricKeyType !== "ed25519") {
    throw new UsageError(`CARBON_TRACK_SIGNING_KEY holds an ${(key.asymmetricKeyType ?? "unknown").toUpperCase()} key, not Ed25519 (make one with openssl genpkey -algorithm ed25519)`);
  }
  return {
    // Ed25519 hashes the message itself: no digest is named.
    sign: (bytes) => sign(null, bytes, key),
    publicKeySha256: publicKeyFingerprint(createPublicKey(key)),
    publicKeyPem: createPublicKey(key).export({ type: "spki", format: "pem" }).toString(),
  };
}

/** A public key file for `verify --public-key`; a bad one is exit 2. */
export function publicKeyFrom(path: string, cwd: string): KeyObject {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, path), "utf8");
  } catch (err) {
    throw new UsageError(`--public-key ${path} cannot be read: ${describeFsError(err)}`);
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: text, format: "pem" });
  } catch {
    throw new UsageError(`--public-key ${path} is not a PEM public key (openssl pkey -in private.pem -pubout)`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new UsageError(`--public-key ${path} holds an ${(key.asymmetricKeyType ?? "unknown").toUpperCase()} key, not Ed25519`);
  return key;
}

export const signatureHolds = (bytes: Uint8Array, signature: Uint8Array, key: KeyObject): boolean => signature.length === 64 && verify(null, bytes, key, signature);
