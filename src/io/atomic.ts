import { closeSync, constants, copyFileSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { CarbonTrackError, ExitCode } from "../errors.js";
import { describeFsError } from "./fs-errors.js";
import type { Leftovers } from "./leftovers.js";
import { tempName } from "./temp-names.js";

/**
 * A set of files that appear together or not at all. Each is written under a temporary name beside its final one
 * (same file system, so rename is atomic) and flushed to disk; only when every one is complete are they renamed into
 * place. Readers see the old files or the new, never a part of one, and a failure while writing (a full disk) puts
 * no new file under a final name. The renames need no data space; one failing half-way is reported with what is
 * already in place.
 */

/** A file of the set, written piece by piece. */
export interface StagedFile {
  write(data: string | Uint8Array): void;
}

export interface Staging {
  open(path: string): StagedFile;
  /** A whole file at once. */
  add(path: string, data: string): void;
  /** A copy of the staged file `from` (its final path) under the final path `to`, without reading it into memory. */
  copy(from: string, to: string): void;
  /** The temporary path of the staged file `path`, complete and flushed, for another writer to read. */
  staged(path: string): string;
  /** A member written by another writer (an engine's COPY, a directory built whole): the temporary path it must write and flush. */
  external(path: string): string;
  /** The final paths of the members so far, in the order they were added. */
  paths(): string[];
  /** Flushes every file, then renames them all into place; returns their final paths. */
  commit(): string[];
  /** Closes and removes every temporary file. */
  discard(): void;
}

interface Entry {
  path: string;
  tmp: string;
  fd: number | null;
}

export function staging(leftovers: Leftovers): Staging {
  const entries: Entry[] = [];

  const discard = (): void => {
    for (const e of entries) {
      if (e.fd !== null) {
        try {
          closeSync(e.fd);
        } catch {
          // The descriptor is gone either way; the file is removed below.
        }
        e.fd = null;
      }
      // recursive: an external member may be a directory (the --audit pack).
      rmSync(e.tmp, { force: true, recursive: true });
      leftovers.settled(e.tmp);
    }
    entries.length = 0;
  };
  const failed = (path: string, err: unknown): CarbonTrackError => {
    discard();
    return new CarbonTrackError(`cannot write ${path}: ${describeFsError(err)}: nothing was written`, ExitCode.error);
  };
  const guarded = <T>(path: string, step: () => T): T => {
    try {
      return step();
    } catch (err) {
      throw failed(path, err);
    }
  };
  const begin = (path: string): Entry => {
    const e: Entry = { path, tmp: tempName(path), fd: null };
    leftovers.file(e.tmp);
    entries.push(e);
    return e;
  };
  const flush = (e: Entry): void => {
    if (e.fd === null) return;
    guarded(e.path, () => {
      fsyncSync(e.fd!);
      closeSync(e.fd!);
    });
    e.fd = null;
  };

  const open = (path: string): StagedFile => {
    const e = begin(path);
    e.fd = guarded(path, () => openSync(e.tmp, "wx"));
    return {
      write(data) {
        // A write may take less than all it is given: go on until the whole buffer is out.
        const bytes = typeof data === "string" ? Buffer.from(data) : data;
        guarded(path, () => {
          for (let at = 0; at < bytes.length; ) at += writeSync(e.fd!, bytes, at);
        });
      },
    };
  };

  return {
    open,
    add(path, data) {
      open(path).write(data);
      flush(entries.at(-1)!);
    },
    copy(from, to) {
      const source = entries.find((e) => e.path === from)!;
      flush(source);
      const e = begin(to);
      guarded(to, () => {
        copyFileSync(source.tmp, e.tmp, constants.COPYFILE_EXCL);
        const fd = openSync(e.tmp, "r+");
        try {
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      });
    },
    staged(path) {
      const e = entries.find((x) => x.path === path)!;
      flush(e);
      return e.tmp;
    },
    external: (path) => begin(path).tmp,
    paths: () => entries.map((e) => e.path),
    commit() {
      for (const e of entries) flush(e);
      const placed: string[] = [];
      for (const e of entries) {
        try {
          renameSync(e.tmp, e.path);
        } catch (err) {
          const already = placed.length > 0 ? `; already in place: ${placed.join(", ")}` : ": nothing was written";
          discard();
          throw new CarbonTrackError(`cannot put ${e.path} in place: ${describeFsError(err)}${already}`, ExitCode.error);
        }
        leftovers.settled(e.tmp);
        placed.push(e.path);
      }
      entries.length = 0;
      return placed;
    },
    discard,
  };
}
