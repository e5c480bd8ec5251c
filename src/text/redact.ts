/**
 * The one place secrets are taken out of text before it leaves the process: stderr, the report's files and
 * GITHUB_STEP_SUMMARY, the intensity cache. Two kinds of secret are replaced by `[redacted]`:
 * - known values: the credentials in the environment (see known-secrets.ts) and the tokens obtained during the
 *   run, registered with `add` as soon as they are;
 * - values that look like credentials whoever holds them: an Authorization header, a Bearer or Basic token, a
 *   `token=`/`api_key:`/`"access_token":"…"` pair, an Azure SAS `sig=`, a password in a URL, a private key.
 *
 * Created by the command layer for one run and passed down, so no module keeps secrets of its own.
 */
export interface Redactor {
  /** A secret obtained during the run (an access token, a Basic credential): replaced wherever it appears from now on. */
  add(secret: string): void;
  redact(text: string): string;
  /**
   * Only the known values, not the shapes: for text carbon-track wrote itself, where a shape would be a false match
   * (`l.key = 'team'` in the BigQuery SQL an --audit pack records must stay as it was sent).
   */
  redactKnown(text: string): string;
}

export const REDACTED = "[redacted]";

/** Shorter values are too likely to be ordinary words or numbers elsewhere in a message. */
export const MIN_SECRET_LENGTH = 8;

// A quoted value: in JSON inside a JSON string (\"…\"), in JSON, or in single quotes; its end may be cut off, as in
// a truncated answer.
const QUOTED = String.raw`\\"(?:[^"\\]|\\[^"])*(?:\\")?|"(?:[^"\\]|\\.)*"?|'[^']*'?`;
// A bare value ends where a query string, a list or a sentence goes on; `[` is left out so [redacted] stays as it is.
const VALUE = String.raw`(${QUOTED}|[^\s"'&,;()[\]{}<>]+)`;
// Between a name and its value: a closing quote (escaped, inside a JSON string), then `:` or `=`.
const SEPARATOR = String.raw`(\\?["']?\s*[:=]\s*)`;
// Names whose value is a credential: ending in one of the first words (access_token, client_secret, x-amz-security-token),
// or having one of the second as a whole part (api_key, x-api-key, aws_secret_access_key, sig, X-Amz-Signature).
const NAME = String.raw`(?<![A-Za-z0-9_.-])([A-Za-z0-9_.-]*(?:token|secret|password|passwd|passphrase|apikey)|(?:[A-Za-z0-9]+[_.-])*(?:key|sig|signature|pwd))`;

const PATTERNS: Array<[RegExp, (match: string, ...groups: string[]) => string]> = [
  // A private key, also when cut off before its END line.
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g, () => REDACTED],
  // A header's whole value, whatever the scheme (Bearer, Basic, AWS4-HMAC-SHA256 …); unquoted, to the end of the line.
  [new RegExp(String.raw`\b((?:proxy-)?authorization)${SEPARATOR}(${QUOTED}|[^\r\n]*)`, "gi"), (_, name, sep, value) => `${name}${sep}${masked(value!)}`],
  // A token after its scheme, wherever it stands; it must hold a digit or a symbol, so "Basic authentication" stays.
  [/\b(Bearer|Basic)(\s+)(?=[A-Za-z0-9._~+/=-]*[0-9._~+/=-])[A-Za-z0-9._~+/=-]{8,}/gi, (_, scheme, space) => `${scheme}${space}${REDACTED}`],
  [new RegExp(`${NAME}${SEPARATOR}${VALUE}`, "gi"), (_, name, sep, value) => `${name}${sep}${masked(value!)}`],
  // The password of a URL's user information.
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:)[^\s/@]+@/gi, (_, head) => `${head}${REDACTED}@`],
];

/** A value replaced, its quotes kept so that JSON stays JSON. */
function masked(value: string): string {
  const quote = ['\\"', '"', "'"].find((q) => value.startsWith(q));
  if (!quote) return REDACTED;
  const closed = value.length > quote.length && value.endsWith(quote);
  return `${quote}${REDACTED}${closed ? quote : ""}`;
}

export function createRedactor(known: Iterable<string>): Redactor {
  const secrets = new Set<string>();
  // Longest first, so a secret that contains another is replaced whole.
  let ordered: string[] = [];
  const add = (secret: string): void => {
    const value = secret.trim();
    if (value.length < MIN_SECRET_LENGTH || secrets.has(value)) return;
    secrets.add(value);
    ordered = [...secrets].sort((a, b) => b.length - a.length);
  };
  for (const s of known) add(s);
  const redactKnown = (text: string): string => {
    let out = text;
    for (const secret of ordered) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
    return out;
  };
  return {
    add,
    redactKnown,
    redact(text) {
      let out = redactKnown(text);
      for (const [pattern, replace] of PATTERNS) out = out.replace(pattern, replace as (match: string, ...groups: unknown[]) => string);
      return out;
    },
  };
}
