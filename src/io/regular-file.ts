import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { UsageError } from "../errors.js";

/** What a path is, in words, when it is not a regular file. */
function kindOf(s: Stats): string {
  if (s.isFIFO()) return "a named pipe (FIFO)";
  if (s.isSocket()) return "a socket";
  if (s.isCharacterDevice()) return "a character device";
  if (s.isBlockDevice()) return "a block device";
  return "not a regular file";
}

const cannotRead = (what: string, path: string, code: string | undefined): UsageError =>
  new UsageError(`${what} ${path} cannot be read (${code ?? "error"}): check the path`);

/**
 * Checks, from `stat` alone and symlinks followed, that `path` is a regular file. It must come before any open:
 * opening a FIFO waits for a writer for ever, and a device such as /dev/zero or /dev/urandom never ends. `fix`
 * says what to give instead (e.g. "give a JSON file").
 */
export function regularFile(path: string, what: string, fix: string): Stats {
  let stats: Stats;
  try {
    stats = statSync(path);
  } catch (err) {
    throw cannotRead(what, path, (err as NodeJS.ErrnoException).code);
  }
  if (stats.isDirectory()) throw cannotRead(what, path, "EISDIR");
  if (!stats.isFile()) throw new UsageError(`${what} ${path} is ${kindOf(stats)}, not a regular file: ${fix}`);
  return stats;
}

const sizeText = (bytes: number): string => (bytes >= 1 << 20 ? `${+(bytes / (1 << 20)).toFixed(1)} MiB` : `${Math.ceil(bytes / 1024)} KiB`);

export interface FileRules {
  /** What to give instead of something that is not a regular file, e.g. "give a JSON file". */
  fix: string;
  maxBytes: number;
  /** Why the cap holds, said when a file is over it. */
  whyCap: string;
}

/**
 * The bytes of a regular file of at most `maxBytes`. The file is opened without blocking and checked again once
 * open, so a path swapped for a pipe after the check cannot stall the run; a file that grows past the cap while
 * it is read is refused too, as no more than `maxBytes + 1` bytes are ever read.
 */
export function readRegularFile(path: string, what: string, rules: FileRules): Buffer {
  const { fix, maxBytes } = rules;
  const tooBig = (): UsageError => new UsageError(`${what} ${path} is over ${sizeText(maxBytes)}: ${rules.whyCap}`);
  if (regularFile(path, what, fix).size > maxBytes) throw tooBig();
  let fd: number;
  try {
    // O_NONBLOCK does not exist on Windows, where opening a pipe does not block either.
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    throw cannotRead(what, path, (err as NodeJS.ErrnoException).code);
  }
  try {
    const opened = fstatSync(fd);
    if (!opened.isFile()) throw new UsageError(`${what} ${path} is ${kindOf(opened)}, not a regular file: ${fix}`);
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    for (let n = 1; n > 0 && length < buffer.length; length += n) n = readSync(fd, buffer, length, buffer.length - length, null);
    if (length > maxBytes) throw tooBig();
    return buffer.subarray(0, length);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw cannotRead(what, path, (err as NodeJS.ErrnoException).code);
  } finally {
    closeSync(fd);
  }
}
