import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const scratch = (name: string): string => mkdtempSync(join(tmpdir(), `ct-audit-${name}-`));

/** An Ed25519 key pair as PEM files in `dir`, the way docs/audit.md makes one (with node:crypto here). */
export function keyPair(dir: string, name = "signing"): { privatePath: string; publicPath: string; privatePem: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const privatePem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  const privatePath = join(dir, `${name}.pem`);
  const publicPath = join(dir, `${name}.pub.pem`);
  writeFileSync(privatePath, privatePem);
  writeFileSync(publicPath, publicKey.export({ type: "spki", format: "pem" }).toString());
  return { privatePath, publicPath, privatePem };
}

/** Every file under `dir`, relative, with `/`. */
export function packFiles(dir: string, prefix = ""): string[] {
  return readdirSync(dir).flatMap((name) => {
    const rel = prefix ? `${prefix}/${name}` : name;
    return statSync(join(dir, name)).isDirectory() ? packFiles(join(dir, name), rel) : [rel];
  });
}

/** A fresh copy of a pack to spoil, so one written pack serves every tampering case. */
export function copyPack(pack: string, name: string): string {
  const copy = join(scratch(name), "pack");
  cpSync(pack, copy, { recursive: true });
  return copy;
}

/** Whether a program answers on this machine (openssl, sha256sum). */
export function hasProgram(name: string, args: string[]): boolean {
  try {
    execFileSync(name, args, { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}
