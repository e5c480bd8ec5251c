import type { Redactor } from "./text/redact.js";
import { sanitizeLine } from "./text/sanitize.js";
import { wrapText } from "./text/wrap.js";

/**
 * Talk goes to stderr; stdout is for data. Progress only on a TTY, nothing but warnings and errors with --quiet.
 * Created by the command layer and passed down: no module keeps its own. Every message is one line with its
 * secrets redacted and its control characters escaped: messages quote paths, config keys and provider answers.
 */
export interface Logger {
  /** A step that is under way (spinner-like line on a TTY, silent otherwise). */
  progress(message: string): void;
  /** Takes the progress line away, before the report is printed on stdout (the same terminal). */
  endProgress?(): void;
  info(message: string): void;
  verbose(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface LoggerOptions {
  stream: NodeJS.WritableStream & { isTTY?: boolean };
  quiet: boolean;
  verbose: boolean;
  color: boolean;
  redactor: Redactor;
  /** A terminal's width: long messages continue on indented lines instead of being wrapped mid-word by it. */
  width?: number | null;
}

export function createLogger(opts: LoggerOptions): Logger {
  const tty = opts.stream.isTTY === true;
  let progressShown = false;
  const clearProgress = (): void => {
    if (progressShown) {
      opts.stream.write("\r\x1b[2K");
      progressShown = false;
    }
  };
  const clean = (message: string): string => sanitizeLine(opts.redactor.redact(message));
  const line = (text: string): void => {
    clearProgress();
    opts.stream.write(`${opts.width ? wrapText(text, opts.width, "  ").join("\n") : text}\n`);
  };
  const paint = (code: number, text: string): string => (opts.color ? `\x1b[${code}m${text}\x1b[39m` : text);
  return {
    progress(message) {
      if (!tty || opts.quiet) return;
      clearProgress();
      // One terminal line at most: clearing the progress clears only the line the cursor is on.
      const text = `… ${clean(message)}`;
      opts.stream.write(opts.width && [...text].length >= opts.width ? `${[...text].slice(0, opts.width - 2).join("")}…` : text);
      progressShown = true;
    },
    endProgress: clearProgress,
    info(message) {
      if (!opts.quiet) line(clean(message));
    },
    verbose(message) {
      if (opts.verbose) line(clean(message));
    },
    warn(message) {
      line(`${paint(33, "warning:")} ${clean(message)}`);
    },
    error(message) {
      line(`${paint(31, "error:")} ${clean(message)}`);
    },
  };
}

/** A logger that drops everything: for library use and tests that only care about results. */
export const silentLogger: Logger = {
  progress() {},
  info() {},
  verbose() {},
  warn() {},
  error() {},
};

/**
 * A progress line with a count, for a loop over rows: `tick` once per row; the line is redrawn every `every` rows
 * (drawing it for each of a million rows would cost more than the rows). Shows only where progress does: a TTY.
 */
export function rowCounter(log: Logger, label: (count: string) => string, every = 5000): () => void {
  let n = 0;
  log.progress(label("0"));
  return () => {
    if (++n % every === 0) log.progress(label(n.toLocaleString("en-US")));
  };
}
