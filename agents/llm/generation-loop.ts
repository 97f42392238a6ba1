// Shared by every real adapter: one model call = retried round trips (retry.ts) + structured-output validation
// with bounded repair rounds. Adapters only translate the wire; this is where the policy lives, once.
import { z } from "zod";
import { LlmError } from "./errors.ts";
import { extractJson } from "./json-extraction.ts";
import { withRetry, type RetryPolicy } from "./retry.ts";
import {
  addUsage,
  zeroUsage,
  type ChatMessage,
  type GenerateRequest,
  type GenerateResult,
  type ModelProvider,
  type Transport,
  type TransportReply,
} from "./types.ts";
import { toWireSchema, unwrapPayload, type WireSchema } from "./wire-schema.ts";

export interface GenerationPolicy {
  retry: RetryPolicy;
  /** Follow-up rounds that show the model its validation error; 0 means the first invalid reply fails. */
  maxRepairs: number;
}

export const defaultMaxRepairs = 2;

// Only used when a schema was asked for and the reply holds no JSON at all: a model that says it will not
// answer is not going to fix that in a repair round, so we stop early instead of spending the rounds.
const refusalOpening =
  /^\s*(?:I['’]m sorry|I am sorry|I apologi[sz]e|I can(?:['’]|no)t (?:help|assist|comply|provide)|I cannot (?:help|assist|comply|provide)|I(?:['’]m| am) (?:unable|not able) to|I won['’]t)/i;

export function looksLikeRefusal(text: string): boolean {
  return refusalOpening.test(text);
}

type Validation = { ok: true; value: unknown } | { ok: false; reason: string };

function validate(reply: TransportReply, wire: WireSchema, schema: z.ZodType): Validation {
  let candidate: unknown;
  if (reply.payload !== undefined) {
    candidate = unwrapPayload(reply.payload, wire);
  } else {
    const extracted = extractJson(reply.text);
    if (!extracted.found) {
      if (looksLikeRefusal(reply.text)) {
        throw new LlmError("LLM_REFUSAL", "the model declined to answer", { details: { text: reply.text } });
      }
      return { ok: false, reason: "the reply contained no JSON value" };
    }
    candidate = unwrapPayload(extracted.value, wire);
  }
  const parsed = schema.safeParse(candidate);
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, reason: z.prettifyError(parsed.error) };
}

function repairMessage(reason: string): string {
  return (
    `Your previous reply did not match the required output schema:\n${reason}\n` +
    `Reply again with the complete corrected JSON only.`
  );
}

export function providerFromTransport(transport: Transport, policy: GenerationPolicy): ModelProvider {
  async function generate(request: GenerateRequest): Promise<GenerateResult> {
    const wire = request.schema ? toWireSchema(request.schema, request.schemaName) : undefined;
    const warnings: string[] = [];
    let usage = zeroUsage;
    let messages: ChatMessage[] = request.messages;
    for (let round = 0; ; round++) {
      const reply = await withRetry(
        (signal) =>
          transport.send(
            {
              system: request.system,
              messages,
              ...(wire && { schema: { name: wire.name, jsonSchema: wire.jsonSchema, strict: wire.strict } }),
              ...(request.temperature !== undefined && { temperature: request.temperature }),
              ...(request.maxTokens !== undefined && { maxTokens: request.maxTokens }),
            },
            signal,
          ),
        policy.retry,
        request.signal,
      );
      usage = addUsage(usage, reply.usage);
      for (const warning of reply.warnings) if (!warnings.includes(warning)) warnings.push(warning);
      const base = { text: reply.text, usage, warnings, model: reply.model, raw: reply.raw };
      if (!request.schema || !wire) return base;
      const checked = validate(reply, wire, request.schema);
      if (checked.ok) {
        if (round > 0) warnings.push(`structured output needed ${round} repair round(s)`);
        return { ...base, object: checked.value };
      }
      if (round >= policy.maxRepairs) {
        throw new LlmError(
          "LLM_INVALID_OUTPUT",
          `structured output invalid after ${round} repair round(s): ${checked.reason}`,
          {
            details: { reason: checked.reason, text: reply.text, repairs: round, usage },
          },
        );
      }
      const shown = reply.payload !== undefined ? JSON.stringify(reply.payload) : reply.text;
      messages = [
        ...messages,
        { role: "assistant", content: shown },
        { role: "user", content: repairMessage(checked.reason) },
      ];
    }
  }
  return { name: transport.name, model: transport.model, generate };
}
