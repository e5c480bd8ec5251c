import { z } from "zod";
import { UsageError } from "../errors.js";
import { readRegularFile } from "../io/regular-file.js";
import { didYouMean } from "../text/did-you-mean.js";
import { lostKey, tooDeepAt } from "./json-scan.js";
import { keysAt } from "./schema-keys.js";

/**
 * A config file holds settings and overrides, not data: the shipped catalog and regions files, the largest, are
 * under 70 KiB each, so a user's copy of both with every entry overridden stays far below this.
 */
const MAX_JSON_FILE_BYTES = 1 << 20;
/** The shipped files nest 5 deep; deeper than this is not a config but a way to make a parser work hard. */
const MAX_JSON_DEPTH = 64;

/** A table keyed by provider, then by name (instance type, region): what catalog and regions files hold. */
export const byProvider = <T extends z.ZodTypeAny>(entry: T) =>
  z.object({ aws: z.record(z.string(), entry).default({}), azure: z.record(z.string(), entry).default({}), gcp: z.record(z.string(), entry).default({}) }).strict();

/**
 * The first problem of a failed parse, as "key.path: message" — one line a person can act on. Given the schema,
 * an unknown key close to a known one is answered with the known one.
 */
export function firstIssue(error: z.ZodError, schema?: z.ZodTypeAny): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const path = issue.path.length ? issue.path.join(".") : "(top level)";
  // zod lists every unknown key in its message: an object of 50,000 of them would make one enormous line.
  if (issue.code === "unrecognized_keys" && issue.keys.length > 3) {
    return `${path}: Unrecognized keys in object: ${issue.keys.slice(0, 3).map((k) => `'${k}'`).join(", ")} and ${issue.keys.length - 3} more`;
  }
  if (issue.code === "unrecognized_keys" && schema) {
    const known = keysAt(schema, issue.path);
    const hints = issue.keys.map((k) => [k, didYouMean(k, known)] as const).filter(([, near]) => near !== null);
    if (hints.length > 0) return `${path}: ${issue.message}: did you mean ${hints.map(([k, near]) => `"${near}" for "${k}"`).join(", ")}?`;
  }
  return `${path}: ${issue.message}`;
}

/** Reads and validates a JSON file; every failure is a UsageError naming the file. */
export function readJsonFile<T extends z.ZodTypeAny>(path: string, schema: T, what: string): z.infer<T> {
  const bytes = readRegularFile(path, what, {
    fix: "give a JSON file",
    maxBytes: MAX_JSON_FILE_BYTES,
    whyCap: "a config holds settings and overrides, not data; check it is the right file",
  });
  return parseJsonText(decodeJsonBytes(bytes, path, what), path, schema, what);
}

/**
 * JSON files are UTF-8 (RFC 8259), a BOM allowed. UTF-16LE with its BOM is what Windows PowerShell 5 writes
 * with `>` and Out-File, so it is read too. Other bytes are refused rather than read as U+FFFD or NUL characters.
 */
function decodeJsonBytes(bytes: Buffer, path: string, what: string): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString("utf16le");
  let text: string | undefined;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    text = undefined;
  }
  // A NUL is never JSON text: it is UTF-16 without its byte-order mark, or a binary file.
  if (text === undefined || text.includes("\u0000")) throw new UsageError(`${what} ${path} is not UTF-8 text: save it as UTF-8`);
  return text;
}

export function parseJsonText<T extends z.ZodTypeAny>(text: string, path: string, schema: T, what: string): z.infer<T> {
  const source = text.replace(/^\uFEFF/, "");
  const deep = tooDeepAt(source, MAX_JSON_DEPTH);
  if (deep) throw new UsageError(`${what} ${path} nests deeper than ${MAX_JSON_DEPTH} levels (line ${deep}): a config needs a few; check it is the right file`);
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch (err) {
    throw new UsageError(`${what} ${path} is not valid JSON: ${syntaxReason(err as Error, source)}`);
  }
  const lost = lostKey(source);
  if (lost?.repeated) throw new UsageError(`${what} ${path}: key "${lost.key}" appears twice in ${lost.where}`);
  if (lost) throw new UsageError(`${what} ${path}: key "${lost.key}" in ${lost.where} is not a name carbon-track reads: remove it`);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`${what} ${path}: ${firstIssue(parsed.error, schema)}`);
  return parsed.data;
}

/** V8 quotes the text around an unexpected token, line breaks and all: keep its reason, on one line, with a place. */
function syntaxReason(err: Error, text: string): string {
  const reason = err.message.replace(/, "[\s\S]*" is not valid JSON$/, "").replace(/[\s\u0000-\u001f\u007f]+/g, " ");
  const at = / in JSON at position (\d+)/.exec(reason);
  if (!at) return reason;
  const before = text.slice(0, Number(at[1]));
  return `${reason.replace(at[0], "")} (line ${before.split("\n").length}, column ${before.length - before.lastIndexOf("\n")})`;
}
