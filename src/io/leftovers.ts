import { rmdirSync, rmSync } from "node:fs";

/**
 * What a run has put on disk but not yet in place: its temporary files and the directories it created for them.
 * A failed or interrupted run sweeps them; so does the bin's backstop, synchronously, when it has to end a run
 * that did not stop in time. Created by the caller of the run and passed in, so the bin can reach it.
 */
export class Leftovers {
  readonly #files = new Set<string>();
  /** Outermost first, so they are removed deepest first. */
  readonly #dirs: string[] = [];

  file(path: string): void {
    this.#files.add(path);
  }

  /** The file was renamed into place or removed: no longer ours to sweep. */
  settled(path: string): void {
    this.#files.delete(path);
  }

  dirs(paths: readonly string[]): void {
    this.#dirs.push(...paths);
  }

  /** Removes every file still held, then each created directory that is empty (a directory holding anything stays). */
  sweep(): void {
    for (const path of this.#files) {
      try {
        // recursive: a staged member may be a whole directory (the --audit pack).
        rmSync(path, { force: true, recursive: true });
        this.#files.delete(path);
      } catch {
        // Keep it for a later sweep; the next run in the directory removes a temporary of a process that is gone.
      }
    }
    while (this.#dirs.length > 0) {
      try {
        rmdirSync(this.#dirs.at(-1)!);
      } catch (err) {
        // Not empty (another run's files, or a file of ours that could not be removed): it stays, and so do its parents.
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") {
          this.#dirs.length = 0;
          break;
        }
      }
      this.#dirs.pop();
    }
  }
}
