import { readFileSync } from "node:fs";
import type { z } from "zod";
import { UsageError } from "../errors.js";

/** The first problem of a failed parse, as "key.path: message" — one line a person can act on. */
export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return "invalid";
  const path = issue.path.length ? issue.path.join(".") : "(top level)";
  return `${path}: ${issue.message}`;
}

/** Reads and validates a JSON file; every failure is a UsageError naming the file. */
export function readJsonFile<T extends z.ZodTypeAny>(path: string, schema: T, what: string): z.infer<T> {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${what} ${path} cannot be read (${code ?? "error"}): check the path`);
  }
  return parseJsonText(text, path, schema, what);
}

export function parseJsonText<T extends z.ZodTypeAny>(text: string, path: string, schema: T, what: string): z.infer<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (err) {
    throw new UsageError(`${what} ${path} is not valid JSON: ${(err as Error).message}`);
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`${what} ${path}: ${firstIssue(parsed.error)}`);
  return parsed.data;
}
