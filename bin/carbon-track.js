#!/usr/bin/env node
// A thin entry, in CommonJS (bin/package.json) because it loads faster than an ES module: --version and
// --help answer from plain files before anything else is loaded; the command itself runs from dist/.
"use strict";
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

const argv = process.argv.slice(2);
const flags = argv.slice(0, argv.includes("--") ? argv.indexOf("--") : argv.length);

if (flags.includes("--version") || flags.includes("-V")) {
  process.stdout.write(`${JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")).version}\n`);
} else if (flags.includes("--help") || flags.includes("-h")) {
  process.stdout.write(readFileSync(join(__dirname, "help.txt"), "utf8"));
} else {
  // The first Ctrl-C (or SIGTERM from a scheduler) stops requests and writes nothing; a second one kills at once.
  const interrupt = new AbortController();
  for (const signal of ["SIGINT", "SIGTERM"]) process.once(signal, () => interrupt.abort());
  import("../dist/cli/main.js").then(async ({ main }) => {
    process.exitCode = await main({
      argv,
      env: process.env,
      cwd: process.cwd(),
      now: new Date(),
      stdout: process.stdout,
      stderr: process.stderr,
      interrupt: interrupt.signal,
    });
    // A provider call that timed out may leave a socket the SDK cannot close (node-fetch ignores its timeout):
    // once the work is done and stdout has drained, do not let it hold the process. unref() keeps the timer
    // itself from holding it.
    process.stdout.write("", () => setTimeout(() => process.exit(), 2000).unref());
  });
}
