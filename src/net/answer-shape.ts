import type { z } from "zod";

/**
 * Checks a provider's answer against the shape the code relies on. An answer that does not fit is a provider
 * failure, never "no usage": an empty body, an HTML page, `{}` or an array where a result belongs must not read
 * as an empty result. The reason is short, for one error line, and never quotes the body (it may be anything).
 */
export type Checked<T> = { ok: true; data: T } | { ok: false; why: string };

export function checkAnswer<S extends z.ZodTypeAny>(schema: S, body: unknown): Checked<z.infer<S>> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return { ok: true, data: parsed.data as z.infer<S> };
  if (body === undefined || body === null || body === "") return { ok: false, why: "the body is empty" };
  if (Array.isArray(body)) return { ok: false, why: "an array" };
  // A client that could not parse the body as JSON hands over its text: a portal's or proxy's page, mostly.
  if (typeof body === "string") return { ok: false, why: /^\s*</.test(body) ? "an HTML page" : "text, not JSON" };
  if (typeof body !== "object") return { ok: false, why: `a JSON ${typeof body}, not an object` };
  return { ok: false, why: describeIssue(parsed.error.issues[0]) };
}

function describeIssue(issue: z.ZodIssue | undefined): string {
  if (!issue) return "invalid";
  const path = issue.path.join(".") || "body";
  if (issue.code === "invalid_type") {
    return issue.received === "undefined" ? `${path} missing` : `${path}: expected ${issue.expected}, received ${issue.received}`;
  }
  return `${path}: ${issue.message}`;
}
