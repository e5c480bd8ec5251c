import { readFileSync } from "node:fs";
import { z } from "zod";
import { UsageError } from "../errors.js";

/** A table keyed by provider, then by name (instance type, region): what catalog and regions files hold. */
export const byProvider = <T extends z.ZodTypeAny>(entry: T) =>
  z.object({ aws: z.record(z.string(), entry).default({}), azure: z.record(z.string(), entry).default({}), gcp: z.record(z.string(), entry).default({}) }).strict();

/** The first problem of a failed parse, as "key.path: message" — one line a person can act on. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const path = issue.path.length ? issue.path.join(".") : "(top level)";
  return `${path}: ${issue.message}`;
}

/** Reads and validates a JSON file; every failure is a UsageError naming the file. */
export function readJsonFile<T extends z.ZodTypeAny>(path: string, schema: T, what: string): z.infer<T> {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${what} ${path} cannot be read (${code ?? "error"}): check the path`);
  }
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
  let raw: unknown;
  try {
    raw = JSON.parse(source);
  } catch (err) {
    throw new UsageError(`${what} ${path} is not valid JSON: ${syntaxReason(err as Error, source)}`);
  }
  const repeated = repeatedKey(source);
  if (repeated) throw new UsageError(`${what} ${path}: key "${repeated.key}" appears twice in ${repeated.where}`);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`${what} ${path}: ${firstIssue(parsed.error)}`);
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

interface Container {
  /** Keys seen so far in an object; null for an array. */
  keys: Set<string> | null;
  path: string[];
  /** The key (object) or index (array) of the value being read. */
  at: string;
  index: number;
  expectKey: boolean;
}

/**
 * The first key given twice in one object, and where. JSON.parse keeps the last one silently, which would drop
 * a whole section of overrides (a second `catalog`). `text` has already parsed, so the scan can be simple.
 */
function repeatedKey(text: string): { key: string; where: string } | undefined {
  const stack: Container[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === "{" || c === "[") {
      const path = top ? [...top.path, top.at] : [];
      stack.push({ keys: c === "{" ? new Set() : null, path, at: "0", index: 0, expectKey: c === "{" });
    } else if (c === "}" || c === "]") {
      stack.pop();
    } else if (c === "," && top) {
      if (top.keys) top.expectKey = true;
      else top.at = String(++top.index);
    } else if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === "\\" ? 2 : 1;
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) return { key, where: top.path.length ? top.path.join(".") : "the top level" };
        top.keys.add(key);
        top.at = key;
        top.expectKey = false;
      }
      i = end;
    }
  }
  return undefined;
}
