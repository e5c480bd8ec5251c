/**
 * Text from data and the environment (billing rows, file paths, config keys, provider messages) on its way to a
 * terminal, a Markdown report or an error line. A control character in it could move the cursor, clear the
 * screen, retitle the window or write the clipboard (OSC 52), and a line break would split a one-line error:
 * each is shown as an escape instead (`\x1b`, `\x9b`, `\x7f`, `\n`, `\r`). Tab stays, as a terminal only moves
 * the cursor on with it.
 *
 * Apply it to the data, not to a finished line: our own colour codes must still reach the terminal.
 */
// C0 but tab (U+0000–U+0008, U+000A–U+001F), DEL (U+007F) and C1 (U+0080–U+009F).
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r" };

const escaped = (c: string): string => NAMED[c] ?? `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;

/** The text on one line, every control character but tab shown escaped. */
export function sanitizeLine(text: string): string {
  return text.replace(CONTROL, escaped);
}
