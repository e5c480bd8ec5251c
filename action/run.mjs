// The action's run step (action.yml): builds carbon-track's arguments from the inputs, runs it, turns its
// warning and error lines into annotations, and writes the job summary also when the run failed. Plain Node, no
// dependency: it runs beside the installed package. Inputs arrive as CT_* environment variables, never pasted
// into a script. The exit code goes to $GITHUB_OUTPUT; a later step fails the job with it, after the upload.
import { spawn } from "node:child_process";
import { appendFileSync, createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";

const env = process.env;
const input = (name) => (env[`CT_${name}`] ?? "").trim();

/**
 * `args`: several lines are one argument each, taken as is (trimmed; spaces and quotes kept, empty lines skipped).
 * A single line is split on blanks as a shell would, with '…' and "…" grouping and \ escaping, but nothing
 * expanded: no $, no globs, no command substitution.
 */
export function splitArgs(text) {
  const trimmed = text.replace(/\s+$/, "");
  if (trimmed.includes("\n")) return trimmed.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== "");
  return splitLine(trimmed);
}

function splitLine(line) {
  const out = [];
  let word = null;
  let quote = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote) {
      if (c === quote) quote = null;
      else if (c === "\\" && quote === '"' && (line[i + 1] === '"' || line[i + 1] === "\\")) word += line[++i];
      else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= "";
    } else if (c === "\\" && i + 1 < line.length) {
      word = (word ?? "") + line[++i];
    } else if (/\s/.test(c)) {
      if (word !== null) out.push(word);
      word = null;
    } else word = (word ?? "") + c;
  }
  if (quote) throw new Error(`args: a quote ${quote} is not closed in: ${line}`);
  if (word !== null) out.push(word);
  return out;
}

/** What the exit code means, for the summary and the annotation. */
const meaning = { 1: "nothing usable was produced", 2: "usage or configuration error: nothing was created", 3: "partial: a provider or signal failed", 4: "carbon budget exceeded", 130: "interrupted" };

/** Annotation text: GitHub ends a message at a newline and reads %, CR and LF as escapes. */
const escapeData = (s) => s.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");

function carbonTrackArgs() {
  const args = [];
  const days = input("DAYS");
  if (days) args.push(days);
  for (const [name, flag] of [
    ["SINCE", "--since"],
    ["UNTIL", "--until"],
    ["CONFIG", "--config"],
    ["PROVIDERS", "--providers"],
    ["BUDGET", "--budget"],
    ["FORMAT", "--format"],
    ["LEDGER", "--ledger"],
    ["GROUP_BY", "--group-by"],
    ["AUDIT", "--audit"],
    ["OUT", "--out"],
  ]) {
    const v = input(name);
    if (v) args.push(flag, v);
  }
  // The shareable HTML report goes into the artifact beside the CSVs.
  return [...args, "--html", ...splitArgs(env.CT_ARGS ?? "")];
}

async function main() {
  const summaryFile = env.GITHUB_STEP_SUMMARY;
  const outputFile = env.GITHUB_OUTPUT;
  const format = input("FORMAT") || "table";
  const outDir = input("OUT") || "output";
  let args;
  try {
    args = carbonTrackArgs();
  } catch (err) {
    return finish(2, [`carbon-track: ${err.message}`]);
  }

  // json and csv write no files: what they print is kept in the output directory too, for the artifact.
  let keep = null;
  if (format === "json" || format === "csv") {
    mkdirSync(outDir, { recursive: true });
    keep = createWriteStream(join(outDir, `carbon-track.${format}`));
  }
  const child = spawn(process.execPath, [env.CARBON_TRACK_BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.on("data", (d) => {
    process.stdout.write(d);
    keep?.write(d);
  });
  const problems = [];
  let rest = "";
  child.stderr.on("data", (d) => {
    process.stderr.write(d);
    const lines = (rest + d.toString()).split("\n");
    rest = lines.pop();
    for (const l of lines) annotate(l, problems);
  });
  const code = await new Promise((resolve) => child.on("close", (c, signal) => resolve(c ?? (signal ? 128 : 1))));
  if (rest) annotate(rest, problems);
  await new Promise((resolve) => (keep ? keep.end(resolve) : resolve()));
  return finish(code, problems);

  function finish(exitCode, lines) {
    if (outputFile) appendFileSync(outputFile, `exit-code=${exitCode}\n`);
    if (exitCode !== 0) {
      process.stdout.write(`::error title=carbon-track exited with ${exitCode}::${escapeData(`${meaning[exitCode] ?? "failed"}${lines.length ? `: ${lines.at(-1)}` : ""}`)}\n`);
      // carbon-track appends its report itself on success and on 3 and 4; on 1 and 2 there is none: say why.
      if (summaryFile && (exitCode === 1 || exitCode === 2 || !(exitCode in meaning))) {
        const body = lines.length ? lines.map((l) => `    ${l}`).join("\n") : "    (carbon-track printed no error line)";
        appendFileSync(summaryFile, `## carbon-track failed (exit ${exitCode})\n\n${meaning[exitCode] ?? "failed"}.\n\n${body}\n\n`);
      } else if (summaryFile && exitCode !== 0 && lines.length) {
        appendFileSync(summaryFile, `### carbon-track: exit ${exitCode}, ${meaning[exitCode]}\n\n${lines.map((l) => `- ${l.replace(/[<>`|*_[\]]/g, (c) => `\\${c}`)}`).join("\n")}\n\n`);
      }
    }
    return exitCode;
  }
}

/** carbon-track's stderr: "warning: …" lines become warnings; "error: …" and its one last "carbon-track: …" line errors. */
function annotate(line, problems) {
  const plain = line.replace(/\x1b\[[0-9;]*m/g, "");
  const warning = /^warning: (.*)$/.exec(plain);
  if (warning) return void process.stdout.write(`::warning title=carbon-track::${escapeData(warning[1])}\n`);
  const error = /^(?:error: |carbon-track: )(.*)$/.exec(plain);
  if (error) {
    problems.push(error[1]);
    process.stdout.write(`::error title=carbon-track::${escapeData(error[1])}\n`);
  }
}

// The step itself succeeds: the job is failed by the last step of action.yml, after the artifact is uploaded.
if (import.meta.url === `file://${process.argv[1]}`) await main();
