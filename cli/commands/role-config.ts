import { z } from "zod";

/** One key of a role's config as `scientist roles` prints it: its type, bounds, default and description. */
export interface ConfigField {
  key: string;
  type: string;
  required: boolean;
  default?: unknown;
  range?: string;
  description?: string;
}

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
}

/** The top-level keys of a role's config schema, from its JSON Schema (what a config file may set). */
export function configFields(schema: z.ZodType): { fields: ConfigField[]; jsonSchema: object } {
  // io "input": the keys a config file writes, with their defaults; whatever JSON Schema cannot say is left open.
  const jsonSchema = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as JsonSchema & object;
  const required = new Set(jsonSchema.required ?? []);
  const fields = Object.entries(jsonSchema.properties ?? {}).map(([key, s]): ConfigField => {
    const range = rangeOf(s);
    return {
      key,
      type: typeOf(s),
      required: required.has(key) && s.default === undefined,
      ...(s.default !== undefined && { default: s.default }),
      ...(range && { range }),
      ...(s.description && { description: s.description }),
    };
  });
  return { fields, jsonSchema };
}

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (s.anyOf) return s.anyOf.map(typeOf).join(" | ");
  if (s.type === "array") return `${s.items ? typeOf(s.items) : "any"}[]`;
  if (Array.isArray(s.type)) return s.type.join(" | ");
  return s.type ?? "any";
}

function rangeOf(s: JsonSchema): string | undefined {
  // Zod writes an unbounded int's maximum as MAX_SAFE_INTEGER: no bound worth printing.
  const max = s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? s.maximum : undefined;
  if (s.minimum === undefined && max === undefined) return undefined;
  if (max === undefined) return `>= ${s.minimum}`;
  if (s.minimum === undefined) return `<= ${max}`;
  return `${s.minimum}..${max}`;
}

/** Text lines for a role's config: `key: type (range) = default  description`, or "(none)". */
export function configLines(fields: ConfigField[]): string[] {
  if (fields.length === 0) return ["(no settings)"];
  return fields.map((f) => {
    const parts = [`${f.key}: ${f.type}`];
    if (f.range) parts.push(`(${f.range})`);
    if (f.default !== undefined) parts.push(`= ${JSON.stringify(f.default)}`);
    else if (f.required) parts.push("(required)");
    if (f.description) parts.push(` ${f.description}`);
    return parts.join(" ");
  });
}
