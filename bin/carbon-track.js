#!/usr/bin/env node
// A thin entry: --version and --help answer before anything heavy is loaded; the command runs from dist/.
import { readFileSync } from "node:fs";

const argv = process.argv.slice(2);
const flags = argv.slice(0, argv.includes("--") ? argv.indexOf("--") : argv.length);

if (flags.includes("--version") || flags.includes("-V")) {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
  process.stdout.write(`${pkg.version}\n`);
} else if (flags.includes("--help") || flags.includes("-h")) {
  const { helpText } = await import("../dist/cli/help.js");
  process.stdout.write(helpText);
} else {
  const { main } = await import("../dist/cli/main.js");
  process.exitCode = await main({
    argv,
    env: process.env,
    cwd: process.cwd(),
    now: new Date(),
    stdout: process.stdout,
    stderr: process.stderr,
  });
  // A provider call that timed out may leave a socket the SDK cannot close (node-fetch ignores its timeout):
  // once the work is done, do not let it hold the process. unref() keeps this timer from holding it either.
  setTimeout(() => process.exit(), 2000).unref();
}
