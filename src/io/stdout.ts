import { once } from "node:events";
import type { Writable } from "node:stream";

/**
 * stdout as the run writes to it. Its first error is kept, and no longer reaches the process as an unhandled
 * 'error' event (a stack trace). EPIPE means the reader went away (`| head -1`): a command-line tool ends quietly
 * then, as `cat` and `grep` do. Any other error (ENOSPC from `>> /dev/full`, EIO) is a failure.
 */
export interface WatchedStdout {
  /** Writes; when the stream's buffer is full, returns a promise that settles once it drained (or failed). */
  write(text: string): void | Promise<void>;
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
