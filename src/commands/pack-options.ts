import { statSync } from "node:fs";
import { resolve } from "node:path";
import { Command, CommanderError } from "commander";
import { UsageError } from "../errors.js";
import { refuseRepeats } from "../cli/options.js";

export interface PackOptions {
  /** The pack's directory, absolute. */
  dir: string;
  /** verify --public-key FILE, as given; null without it (and always for replay). */
  publicKey: string | null;
  quiet: boolean;
}

/** `carbon-track verify DIR [--public-key FILE]` and `carbon-track replay DIR`: a pack that is not a directory is exit 2. */
export function parsePackCli(command: "verify" | "replay", argv: readonly string[], cwd: string): PackOptions {
  const program = new Command(`carbon-track ${command}`)
    .exitOverride()
    .helpOption(false)
    .configureOutput({ writeOut: () => {}, writeErr: () => {} })
    .argument("<dir>")
    .option("-q, --quiet");
  if (command === "verify") program.option("--public-key <file>");
  try {
    refuseRepeats(program).parse(argv as string[], { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) throw new UsageError(`${command}: ${err.message.replace(/^error: /, "").replace(/\.$/, "")} (usage: carbon-track ${command} DIR${command === "verify" ? " [--public-key FILE]" : ""})`);
    throw err;
  }
  const given = program.args[0]!;
  const dir = resolve(cwd, given);
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`${command}: ${given} is not a directory (an --audit pack)`);
  const o = program.opts<{ publicKey?: string; quiet?: boolean }>();
  return { dir, publicKey: o.publicKey ?? null, quiet: o.quiet === true };
}
