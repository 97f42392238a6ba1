// Hand-written replies in each provider's wire format (OpenAI Chat Completions, Anthropic Messages), shaped like
// the documented JSON responses, plus the accessors the contract suite needs to read each request format.
import type { ReceivedRequest, WireReply } from "./fake-wire-server.ts";

export interface WireFixtures {
  /** A plain text answer. */
  text(text: string, usage?: Partial<FixtureUsage>): WireReply;
  /** A structured answer carrying `value` the way this wire carries structured output. */
  structured(value: unknown, schemaName: string): WireReply;
  /** A structured answer that is broken (unparsable JSON or the wrong shape). */
  malformed(schemaName: string): WireReply;
  refusal(): WireReply;
  rateLimited(retryAfterMs?: number): WireReply;
  serverError(status?: number): WireReply;
  /** The text of the last message of a received request (repair rounds append a user message). */
  lastMessageText(request: ReceivedRequest): string;
  messageCount(request: ReceivedRequest): number;
}

export interface FixtureUsage {
  input: number;
  output: number;
  cachedRead: number;
  cacheWrite: number;
}

const defaultUsage: FixtureUsage = { input: 120, output: 30, cachedRead: 0, cacheWrite: 0 };

function openAiCompletion(message: Record<string, unknown>, usage: FixtureUsage, finishReason = "stop"): WireReply {
  return {
    body: {
      id: "chatcmpl-fixture",
      object: "chat.completion",
      created: 1_780_000_000,
      model: "gpt-fixture-2026-01-01",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: null, refusal: null, ...message },
          logprobs: null,
          finish_reason: finishReason,
        },
      ],
      usage: {
        // OpenAI counts cached tokens inside prompt_tokens.
        prompt_tokens: usage.input + usage.cachedRead,
        completion_tokens: usage.output,
        total_tokens: usage.input + usage.cachedRead + usage.output,
        prompt_tokens_details: { cached_tokens: usage.cachedRead, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0 },
      },
      system_fingerprint: "fp_fixture",
    },
  };
}

function openAiError(status: number, type: string, message: string, headers?: Record<string, string>): WireReply {
  return { status, body: { error: { message, type, param: null, code: type } }, ...(headers && { headers }) };
}

export const openAiFixtures: WireFixtures = {
  text: (text, usage) => openAiCompletion({ content: text }, { ...defaultUsage, ...usage }),
  structured: (value) => openAiCompletion({ content: JSON.stringify(value) }, defaultUsage),
  malformed: () => openAiCompletion({ content: '{"title": "Sparse attention", "score": ' }, defaultUsage),
  refusal: () => openAiCompletion({ refusal: "I'm sorry, I can't assist with that request." }, defaultUsage),
  rateLimited: (retryAfterMs) =>
    openAiError(
      429,
      "rate_limit_exceeded",
      "Rate limit reached",
      retryAfterMs === undefined ? undefined : { "retry-after-ms": String(retryAfterMs) },
    ),
  serverError: (status = 500) =>
    openAiError(status, "server_error", "The server had an error while processing your request."),
  lastMessageText: (request) => String(request.body.messages.at(-1).content),
  // The system prompt rides as the first message on this wire; the contract counts conversation turns only.
  messageCount: (request) =>
    request.body.messages.filter((message: { role: string }) => message.role !== "system").length,
};

/** Compatible servers (vLLM, llama.cpp) answer in the same format but refuse in prose, not in a refusal field. */
export const openAiCompatibleFixtures: WireFixtures = {
  ...openAiFixtures,
  refusal: () => openAiCompletion({ content: "I'm sorry, but I can't help with that request." }, defaultUsage),
};

function anthropicMessage(
  content: unknown[],
  stopReason: string,
  usage: FixtureUsage,
  extra: Record<string, unknown> = {},
): WireReply {
  return {
    body: {
      id: "msg_fixture",
      type: "message",
      role: "assistant",
      model: "claude-fixture-5",
      content,
      stop_reason: stopReason,
      stop_sequence: null,
      stop_details: null,
      usage: {
        input_tokens: usage.input,
        output_tokens: usage.output,
        cache_read_input_tokens: usage.cachedRead,
        cache_creation_input_tokens: usage.cacheWrite,
        cache_creation: null,
        server_tool_use: null,
        service_tier: "standard",
      },
      ...extra,
    },
  };
}

function anthropicError(status: number, type: string, message: string, headers?: Record<string, string>): WireReply {
  return {
    status,
    body: { type: "error", error: { type, message }, request_id: "req_fixture" },
    ...(headers && { headers }),
  };
}

function anthropicText(content: unknown): string {
  if (typeof content === "string") return content;
  return (content as { type: string; text?: string }[]).map((block) => block.text ?? "").join("");
}

export const anthropicFixtures: WireFixtures = {
  text: (text, usage) =>
    anthropicMessage([{ type: "text", text, citations: null }], "end_turn", { ...defaultUsage, ...usage }),
  structured: (value, schemaName) =>
    anthropicMessage(
      [{ type: "tool_use", id: "toolu_fixture", name: schemaName, input: value, caller: { type: "direct" } }],
      "tool_use",
      defaultUsage,
    ),
  // Tool input is always a JSON object on this wire, so "malformed" means the wrong shape.
  malformed: (schemaName) =>
    anthropicMessage(
      [
        {
          type: "tool_use",
          id: "toolu_fixture",
          name: schemaName,
          input: { title: "Sparse attention", score: "high" },
        },
      ],
      "tool_use",
      defaultUsage,
    ),
  refusal: () =>
    anthropicMessage([], "refusal", defaultUsage, {
      stop_details: { type: "refusal", category: null, explanation: null },
    }),
  rateLimited: (retryAfterMs) =>
    anthropicError(
      429,
      "rate_limit_error",
      "Number of request tokens has exceeded your rate limit.",
      retryAfterMs === undefined ? undefined : { "retry-after-ms": String(retryAfterMs) },
    ),
  serverError: (status = 500) => anthropicError(status, "api_error", "Internal server error"),
  lastMessageText: (request) => anthropicText(request.body.messages.at(-1).content),
  messageCount: (request) => request.body.messages.length,
};
