// Turns a zod schema into the JSON Schema the providers accept. Both OpenAI json_schema and an Anthropic tool's
// input_schema need an object at the root, so other roots are wrapped in { value } and unwrapped on the way back.
import { z } from "zod";

export interface WireSchema {
  name: string;
  jsonSchema: Record<string, unknown>;
  /** OpenAI strict mode needs every property required and no extra properties, at every level. */
  strict: boolean;
  wrapped: boolean;
}

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** True when every object schema inside lists all its properties as required and forbids extras. */
function strictCompatible(node: unknown): boolean {
  if (Array.isArray(node)) return node.every(strictCompatible);
  if (!isObject(node)) return true;
  if (node["type"] === "object" || isObject(node["properties"])) {
    const properties = isObject(node["properties"]) ? Object.keys(node["properties"]) : [];
    const required = Array.isArray(node["required"]) ? node["required"] : [];
    if (node["additionalProperties"] !== false) return false;
    if (!properties.every((key) => required.includes(key))) return false;
  }
  return Object.values(node).every(strictCompatible);
}

/** OpenAI schema names allow only [a-zA-Z0-9_-], up to 64 characters; Anthropic tool names likewise. */
export function wireName(name: string | undefined): string {
  const cleaned = (name ?? "output").replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64);
  return cleaned.length > 0 ? cleaned : "output";
}

export function toWireSchema(schema: z.ZodType, name?: string): WireSchema {
  const { $schema: _dialect, ...converted } = z.toJSONSchema(schema) as JsonObject;
  const wrapped = converted["type"] !== "object";
  const jsonSchema: JsonObject = wrapped
    ? { type: "object", properties: { value: converted }, required: ["value"], additionalProperties: false }
    : converted;
  return { name: wireName(name), jsonSchema, strict: strictCompatible(jsonSchema), wrapped };
}

export function unwrapPayload(payload: unknown, wire: WireSchema): unknown {
  return wire.wrapped && isObject(payload) && "value" in payload ? payload["value"] : payload;
}

/** Instruction used when the server cannot be forced into JSON; the schema is shown verbatim to the model. */
export function jsonInstruction(wire: WireSchema): string {
  return (
    `Reply with a single JSON object and nothing else (no prose, no code fence). ` +
    `It must validate against this JSON Schema named "${wire.name}":\n${JSON.stringify(wire.jsonSchema)}`
  );
}
