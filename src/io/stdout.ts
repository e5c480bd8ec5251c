import { once } from "node:events";
import type { Writable } from "node:stream";
import { CarbonTrackError, ExitCode, type ExitCodeValue } from "../errors.js";
import { describeFsError } from "./fs-errors.js";

/**
 * stdout as the run writes to it. Its first error is kept, and no longer reaches the process as an unhandled
 * 'error' event (a stack trace). EPIPE means the reader went away (`| head -1`): a command-line tool ends quietly
 * then, as `cat` and `grep` do. Any other error (ENOSPC from `>> /dev/full`, EIO) is a failure.
 */
export interface WatchedStdout {
  /** Writes; when the stream's buffer is full, returns a promise that settles once it drained (or failed). */
  write(text: string | Uint8Array): void | Promise<void>;
  /** Writes and waits until the text has left the process (or failed). */
  writeAll(text: string): Promise<void>;
  /** The error stdout reported, if any. */
  readonly error: NodeJS.ErrnoException | null;
  /** The error was EPIPE: the reader closed its end. */
  readonly readerLeft: boolean;
}

export function watchStdout(stream: NodeJS.WritableStream): WatchedStdout {
  let error: NodeJS.ErrnoException | null = null;
  // Listened to for the rest of the process: a write after the run (the bin's last flush) must not crash either.
  stream.on("error", (err: NodeJS.ErrnoException) => (error ??= err));
  const usable = (): void => {
    const failed = error ?? ((stream as Writable).errored as NodeJS.ErrnoException | null) ?? null;
    if (failed) throw (error ??= failed);
  };
  return {
    get error() {
      return error;
    },
    get readerLeft() {
      return error?.code === "EPIPE";
    },
    write(text) {
      usable();
      // once() rejects if 'error' comes first, so a failed stream does not leave this waiting for 'drain'.
      return stream.write(text) ? undefined : once(stream, "drain").then(() => undefined);
    },
    async writeAll(text) {
      usable();
      await new Promise<void>((resolve, reject) =>
        stream.write(text, (err?: Error | null) => {
          if (!err) return resolve();
          error ??= err as NodeJS.ErrnoException;
          reject(err);
        }),
      );
    },
  };
}

/**
 * What a run that failed while stdout had failed ends with: exit 0 when the reader of a pipe went away (`| head`),
 * one line and exit 1 for any other stdout error. `err` is thrown unchanged when stdout is not the cause.
 * `lost` says what the person is left with ("nothing was written", "the data on stdout is incomplete").
 */
export function endAfterStdoutFault(err: unknown, stdout: WatchedStdout, interrupted: boolean, lost: string): ExitCodeValue {
  if (interrupted || !stdout.error) throw err;
  if (stdout.readerLeft) return ExitCode.ok;
  throw new CarbonTrackError(`cannot write to stdout: ${describeFsError(stdout.error)}: ${lost}`, ExitCode.error);
}
