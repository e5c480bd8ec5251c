/**
 * What a stream can show: colour, and how wide. Decided once per run by the command layer, for stdout and stderr
 * alike, by the conventions terminals and CI systems share.
 */

type Stream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

/**
 * Colour: FORCE_COLOR=1/2/3/true (or empty) asks for it anywhere, FORCE_COLOR=0/false never (it wins over the rest,
 * as in Node itself); otherwise never with NO_COLOR set or TERM=dumb, and on a terminal only.
 */
export function useColour(stream: Stream, env: NodeJS.ProcessEnv): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !/^(0|false)$/i.test(force);
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  if (env.TERM === "dumb") return false;
  return stream.isTTY === true;
}

/**
 * The width to fit a report to: the terminal's, or COLUMNS when stdout is a file or a pipe (a CI log that sets it);
 * null when neither is known, and the report keeps its natural width.
 */
export function terminalWidth(stream: Stream, env: NodeJS.ProcessEnv): number | null {
  if (stream.isTTY === true && typeof stream.columns === "number" && stream.columns > 0) return stream.columns;
  const columns = env.COLUMNS;
  return columns !== undefined && /^\d+$/.test(columns) && Number(columns) > 0 ? Number(columns) : null;
}

/** The width stderr's messages are wrapped to: a terminal's only (a log file keeps one line per message). */
export const stderrWidth = (stream: Stream): number | null =>
  stream.isTTY === true && typeof stream.columns === "number" && stream.columns > 0 ? stream.columns : null;
