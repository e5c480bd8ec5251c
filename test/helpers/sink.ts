import { Writable } from "node:stream";

/** A stdout or stderr for an in-process run: it keeps what was written, and says whether it is a terminal. */
export type Sink = Writable & { isTTY: boolean; columns?: number; text: () => string };

export function sink(isTTY = false, columns?: number): Sink {
  const chunks: string[] = [];
  const w = new Writable({
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      done();
    },
  }) as Sink;
  w.isTTY = isTTY;
  if (columns !== undefined) w.columns = columns;
  w.text = () => chunks.join("");
  return w;
}
