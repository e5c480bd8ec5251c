import { z } from "zod";

type Json = Record<string, unknown>;

/** zod 3 keeps each check as { kind, value, inclusive, regex }: the ones a JSON Schema can say. */
function stringSchema(s: z.ZodString): Json {
  const out: Json = { type: "string" };
  for (const c of s._def.checks) {
    if (c.kind === "min") out.minLength = c.value;
    else if (c.kind === "max") out.maxLength = c.value;
    else if (c.kind === "uuid") out.format = "uuid";
    else if (c.kind === "regex") out.pattern = c.regex.source;
  }
  return out;
}

function numberSchema(s: z.ZodNumber): Json {
  const out: Json = { type: "number" };
  for (const c of s._def.checks) {
    if (c.kind === "int") out.type = "integer";
    else if (c.kind === "min") out[c.inclusive ? "minimum" : "exclusiveMinimum"] = c.value;
    else if (c.kind === "max") out[c.inclusive ? "maximum" : "exclusiveMaximum"] = c.value;
  }
  return out;
}

/**
 * The JSON Schema (draft 2020-12) of a zod schema, for the kinds the config uses; an editor validates and
 * completes a config with it. A kind this does not know is an error at build time, not a silently open schema.
 * Refinements (a check across fields) are left to the run, which reports them.
 */
export function toJsonSchema(schema: z.ZodTypeAny): Json {
  const s = schema;
  if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) return toJsonSchema(s.unwrap());
  if (s instanceof z.ZodDefault) return { ...toJsonSchema(s.removeDefault()), default: s._def.defaultValue() };
  if (s instanceof z.ZodEffects) return toJsonSchema(s.innerType());
  if (s instanceof z.ZodString) return stringSchema(s);
  if (s instanceof z.ZodNumber) return numberSchema(s);
  if (s instanceof z.ZodBoolean) return { type: "boolean" };
  if (s instanceof z.ZodNull) return { type: "null" };
  if (s instanceof z.ZodLiteral) return { const: s.value };
  if (s instanceof z.ZodEnum) return { enum: [...s.options] };
  if (s instanceof z.ZodUnion) return { anyOf: (s.options as z.ZodTypeAny[]).map(toJsonSchema) };
  if (s instanceof z.ZodArray) {
    const out: Json = { type: "array", items: toJsonSchema(s.element) };
    if (s._def.minLength) out.minItems = s._def.minLength.value;
    if (s._def.maxLength) out.maxItems = s._def.maxLength.value;
    return out;
  }
  if (s instanceof z.ZodRecord) {
    const key = s.keySchema as z.ZodTypeAny;
    const out: Json = { type: "object", additionalProperties: toJsonSchema(s.valueSchema) };
    if (key instanceof z.ZodEnum) out.propertyNames = { enum: [...key.options] };
    return out;
  }
  if (s instanceof z.ZodObject) {
    const shape = s.shape as Record<string, z.ZodTypeAny>;
    const required = Object.entries(shape).filter(([, v]) => !v.isOptional()).map(([k]) => k);
    return {
      type: "object",
      properties: Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, toJsonSchema(v)])),
      ...(required.length ? { required } : {}),
      ...(s._def.unknownKeys === "strict" ? { additionalProperties: false } : {}),
    };
  }
  throw new Error(`toJsonSchema: no JSON Schema for ${s.constructor.name}`);
}
