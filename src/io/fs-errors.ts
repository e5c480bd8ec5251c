/**
 * A file-system error in words a person reads, with the code they can search for: "no space left on device
 * (ENOSPC)". Node's own message ("ENOSPC: no space left on device, write") names the system call, not the problem.
 */
const meanings: Record<string, string> = {
  ENOSPC: "no space left on device",
  EDQUOT: "disk quota exceeded",
  EFBIG: "file too large",
  EROFS: "read-only file system",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ENOENT: "no such file or directory",
  ENOTDIR: "not a directory",
  EISDIR: "is a directory",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "file name too long",
  ENXIO: "no reader at the other end (a FIFO or a socket)",
  EIO: "input/output error",
  EPIPE: "the reader closed the pipe",
};

export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const code = typeof e?.code === "string" ? e.code : undefined;
  if (code && meanings[code]) return `${meanings[code]} (${code})`;
  // Node's text, without the "CODE: " it starts with and without the call and path it ends with.
  const text = String(e?.message ?? err).split("\n")[0]!.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*'$/, "");
  return code ? `${text} (${code})` : text;
}
