import { checkPack } from "../audit/check-pack.js";
import { publicKeyFrom } from "../audit/signing-key.js";
import { ExitCode } from "../errors.js";
import type { RunDeps } from "../pipeline/run.js";
import { sanitizeLine } from "../text/sanitize.js";
import { parsePackCli } from "./pack-options.js";

/**
 * `carbon-track verify DIR [--public-key FILE]`: exit 0 when every file of the pack has the hash its manifest gives,
 * SHA256SUMS agrees, nothing was added, and the signature holds; exit 1 naming each file that changed, went missing
 * or was added (one line each on stdout), and a last line on stderr.
 */
export async function verify(deps: RunDeps): Promise<number> {
  const opts = parsePackCli("verify", deps.argv, deps.cwd);
  const key = opts.publicKey ? publicKeyFrom(opts.publicKey, deps.cwd) : null;
  const result = checkPack(opts.dir, key);
  const say = (line: string, stream = deps.stdout): void => void stream.write(`${sanitizeLine(line)}\n`);
  for (const p of result.problems) say(`${p.kind === "signature" ? "changed" : p.kind}: ${p.path}${p.detail ? ` (${p.detail})` : ""}`);
  if (result.problems.length > 0) {
    const n = result.problems.length;
    say(`carbon-track: verify: ${n} ${n === 1 ? "problem" : "problems"}: the pack is not as it was written`, deps.stderr);
    return ExitCode.error;
  }
  const { signature } = result;
  const signed = !signature.checked
    ? "not signed"
    : key
      ? `signature holds under the public key given (sha256:${signature.keySha256})`
      : `signature holds under the key the manifest names (sha256:${signature.keySha256}): give --public-key to check it is yours`;
  if (!opts.quiet) say(`verified: ${result.files} files and manifest.json; ${signed}`);
  return ExitCode.ok;
}
