#!/usr/bin/env node
// A thin entry, in CommonJS (bin/package.json) because it loads faster than an ES module: --version and
// --help answer from plain files before anything else is loaded; the command itself runs from dist/.
"use strict";
const { readFileSync } = require("node:fs");
const { join } = require("node:path");

const argv = process.argv.slice(2);
const flags = argv.slice(0, argv.includes("--") ? argv.indexOf("--") : argv.length);

/** --version and --help: a reader that left (`| head -1`) is no error; a full or broken stdout is one line. */
function print(text) {
  process.stdout.on("error", () => undefined);
  process.stdout.write(text, (err) => {
    if (!err || err.code === "EPIPE") return;
    // Node says "ENOSPC: no space left on device, write": the words, then the code, as the run's own lines do.
    process.stderr.write(`carbon-track: cannot write to stdout: ${err.message.replace(/^\w+: /, "").replace(/, \w+$/, "")} (${err.code})\n`);
    process.exitCode = 1;
  });
}

if (flags.includes("--version") || flags.includes("-V")) {
  print(`${JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")).version}\n`);
} else if (flags.includes("--help") || flags.includes("-h")) {
  print(readFileSync(join(__dirname, "help.txt"), "utf8"));
} else {
  // The first Ctrl-C (or SIGTERM from a scheduler) stops requests and writes nothing; a second one kills at once.
  // The run stops by itself within moments (its loops give way to signals); should it be stuck in a call that does
  // not hear the abort, the backstop ends the process 2 s after the signal, removing the run's temporary files and
  // the empty directories it created first.
  const interrupt = new AbortController();
  let leftovers = null;
  let ended = false;
  const backstop = (signal) => {
    if (ended) return process.exit();
    leftovers?.sweep();
    process.stderr.write("carbon-track: interrupted: the run did not stop within 2 s and was ended; no file was put in place\n");
    // exit() waits for the thread pool, and a thread stuck in open() (a FIFO) or in a DNS lookup would hold it for
    // good: then the process ends by the signal itself (its handler is gone: the default action, no waiting), which
    // a shell reports as 128 + its number, 130 for Ctrl-C.
    if (process.getActiveResourcesInfo().some((r) => /^(FSReq|GetAddrInfo|GetNameInfo)/.test(r))) process.kill(process.pid, signal);
    else process.exit(130);
  };
  for (const signal of ["SIGINT", "SIGTERM"]) {
    process.once(signal, () => {
      interrupt.abort();
      setTimeout(backstop, 2000, signal).unref();
    });
  }
  // A clone that was never built has no dist/: one line that says what to do, not a module-loader stack.
  const built = (err) => {
    if (err?.code !== "ERR_MODULE_NOT_FOUND" || !String(err.message).includes(join(__dirname, "..", "dist"))) throw err;
    process.stderr.write("carbon-track: dist/ is missing, the TypeScript was not built: run `npm run build` (npm ci builds too)\n");
    process.exitCode = 1;
    return null;
  };
  Promise.all([import("../dist/cli/main.js"), import("../dist/io/leftovers.js")]).catch(built).then(async (modules) => {
    if (!modules) return;
    const [{ main }, { Leftovers }] = modules;
    leftovers = new Leftovers();
    process.exitCode = await main({
      argv,
      env: process.env,
      cwd: process.cwd(),
      now: new Date(),
      stdout: process.stdout,
      stderr: process.stderr,
      interrupt: interrupt.signal,
      leftovers,
    });
    ended = true;
    // A provider call that timed out may leave a socket the SDK cannot close (node-fetch ignores its timeout):
    // once the work is done and stdout has drained, do not let it hold the process. unref() keeps the timer
    // itself from holding it. (The run listens for stdout's errors: a closed or full stdout ends here too.)
    process.stdout.write("", () => setTimeout(() => process.exit(), 2000).unref());
  });
}
