// The one small interface every model adapter implements (STYLE item 4). Roles depend on this, never on an SDK.
import type { z } from "zod";

export interface ChatMessage {
  role: "user" | "assistant";
  content: string;
}

/**
 * Token counts normalised across providers so one price table prices them all.
 * `inputTokens` excludes cached tokens: OpenAI's `prompt_tokens` includes `cached_tokens`, so the adapter subtracts
 * them; Anthropic's `input_tokens` already excludes cache reads and writes.
 */
export interface Usage {
  inputTokens: number;
  outputTokens: number;
  cachedReadTokens: number;
  cacheWriteTokens: number;
}

export interface GenerateRequest {
  system: string;
  messages: ChatMessage[];
  /** When present, the reply must validate against it; `object` then holds the parsed value. */
  schema?: z.ZodType;
  /** Name given to the wire schema (OpenAI json_schema name, Anthropic tool name). Defaults to "output". */
  schemaName?: string;
  /** Passed through where the provider accepts it; an adapter that cannot send it says so in `warnings`. */
  temperature?: number;
  maxTokens?: number;
  signal?: AbortSignal;
}

export interface GenerateResult {
  text: string;
  object?: unknown;
  /** Summed over every round trip this call made (repair rounds included), so ledgers see the true spend. */
  usage: Usage;
  warnings: string[];
  /** The model that answered, as the server reported it. */
  model: string;
  raw?: unknown;
}

export interface ModelProvider {
  /** Adapter kind, e.g. "openai", "anthropic", "scripted". */
  readonly name: string;
  /** The configured model id; part of the request hash used by recording/replay. */
  readonly model: string;
  generate(request: GenerateRequest): Promise<GenerateResult>;
}

export const zeroUsage: Usage = Object.freeze({
  inputTokens: 0,
  outputTokens: 0,
  cachedReadTokens: 0,
  cacheWriteTokens: 0,
});

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedReadTokens: a.cachedReadTokens + b.cachedReadTokens,
    cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  };
}

/**
 * What an adapter's wire layer returns for one HTTP round trip. The shared generation loop
 * (generation-loop.ts) adds retries, timeouts and structured-output repair on top.
 */
export interface TransportReply {
  text: string;
  /** A structured payload the wire already delivered as a value (e.g. Anthropic tool input); else parsed from text. */
  payload?: unknown;
  usage: Usage;
  model: string;
  raw: unknown;
  warnings: string[];
}

export interface TransportRequest {
  system: string;
  messages: ChatMessage[];
  schema?: { name: string; jsonSchema: Record<string, unknown>; strict: boolean };
  temperature?: number;
  maxTokens?: number;
}

export interface Transport {
  readonly name: string;
  readonly model: string;
  /** One attempt. Throws LlmError for every wire failure (refusals included); `signal` carries timeout and abort. */
  send(request: TransportRequest, signal: AbortSignal): Promise<TransportReply>;
}
