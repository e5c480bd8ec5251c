import { sanitizeLine } from "../../text/sanitize.js";

const entities: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Text from data (instance types, regions, provider messages) as HTML text or an attribute value: control
 * characters shown escaped as on the terminal, then the five characters that could start markup or end an
 * attribute turned into entities, so no value can open a tag, close the style element or inject a handler.
 */
export function esc(text: string): string {
  return sanitizeLine(text).replace(/[&<>"']/g, (c) => entities[c]!);
}
