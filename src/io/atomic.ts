import { randomBytes } from "node:crypto";
import { closeSync, copyFileSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Files that readers see with the old content or the new, never a part: the data goes to a temporary name in the
 * same directory (same file system, so rename is atomic), is flushed to disk, and is renamed over the target.
 */

const tempName = (path: string): string => join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);

export function writeFileAtomic(path: string, data: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempName(path);
  try {
    writeFileSync(tmp, data, { flush: true });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** A file written piece by piece under a temporary name; `commit` puts it in place, `discard` removes it. */
export interface AtomicFile {
  write(data: string): void;
  commit(): void;
  discard(): void;
}

export function openFileAtomic(path: string): AtomicFile {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = tempName(path);
  let fd: number | null = openSync(tmp, "wx");
  const close = (): void => {
    if (fd !== null) closeSync(fd);
    fd = null;
  };
  const discard = (): void => {
    close();
    rmSync(tmp, { force: true });
  };
  return {
    write(data) {
      // A write may take less than all it is given: go on until the whole buffer is out.
      const bytes = Buffer.from(data);
      for (let at = 0; at < bytes.length; ) at += writeSync(fd!, bytes, at);
    },
    commit() {
      try {
        fsyncSync(fd!);
        close();
        renameSync(tmp, path);
      } catch (err) {
        discard();
        throw err;
      }
    },
    discard,
  };
}

/** Copies a finished file to another name, atomically, without reading it into memory. */
export function copyFileAtomic(from: string, to: string): void {
  const tmp = tempName(to);
  try {
    copyFileSync(from, tmp);
    const fd = openSync(tmp, "r+");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, to);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
