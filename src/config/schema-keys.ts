import { z } from "zod";

/** Peels the wrappers that do not change an object's keys. */
function unwrap(schema: z.ZodTypeAny): z.ZodTypeAny {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s.unwrap();
    else if (s instanceof z.ZodDefault) s = s.removeDefault();
    else if (s instanceof z.ZodEffects) s = s.innerType();
    else if (s instanceof z.ZodLazy) s = s.schema;
    else return s;
  }
}

/** The keys an object in `schema` at `path` may hold (for "did you mean"); empty when the path leads to none. */
export function keysAt(schema: z.ZodTypeAny, path: readonly (string | number)[]): string[] {
  let s = unwrap(schema);
  for (const step of path) {
    if (s instanceof z.ZodObject) s = unwrap((s.shape as Record<string, z.ZodTypeAny>)[String(step)] ?? z.never());
    else if (s instanceof z.ZodArray) s = unwrap(s.element);
    else if (s instanceof z.ZodRecord) s = unwrap(s.valueSchema);
    else return [];
  }
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}
