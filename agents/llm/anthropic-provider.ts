// Anthropic adapter over @anthropic-ai/sdk 1.x, Messages API.
//
// SDK version, chosen knowingly: 1.14.0. The 1.x line sends `anthropic-version: 2026-10-21`, and that API
// version rejects `temperature`, `top_p` and `top_k` with a 400 (the 1.x types no longer have them). Pinning
// 0.137 (API 2023-06-01) to keep `temperature` would not buy diversity: the models released after Claude
// Opus 4.6 already reject any temperature other than 1.0 on every API version, and 1.0 is the default.
// So sampling diversity comes from the default sampling itself: every call samples at the model's default
// temperature (1.0, more spread than the seed's 0.75 reviewer temperature), so K reviewer seats given the same
// paper draw K independent samples; roles add per-seat variety through their prompts (persona, seat number).
// A caller's `temperature` is therefore never sent; the adapter reports that in `warnings` instead of failing.
//
// Structured output: one tool whose input_schema is the JSON Schema, forced with tool_choice, so the reply
// arrives as tool input (already a value). Prompt caching: the system prompt carries cache_control ephemeral,
// because every role reuses a long, fixed system prompt across many calls.
import Anthropic, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
} from "@anthropic-ai/sdk";
import type { Message, MessageCreateParamsNonStreaming, Tool } from "@anthropic-ai/sdk/resources/messages";
import { LlmError } from "./errors.ts";
import { toLlmError } from "./sdk-errors.ts";
import type { Transport, TransportReply, TransportRequest, Usage } from "./types.ts";

const errorClasses = { APIError, APIUserAbortError, APIConnectionError, APIConnectionTimeoutError };

export const anthropicDefaultBaseURL = "https://api.anthropic.com";
/** The Messages API requires max_tokens; used when the request does not set one. */
export const anthropicDefaultMaxTokens = 8192;

export interface AnthropicProviderOptions {
  apiKey: string;
  baseURL?: string;
  model: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  defaultMaxTokens?: number;
}

export const temperatureNotSentWarning =
  "temperature not sent: Anthropic API 2026-10-21 rejects it; the model samples at its default temperature (1.0)";

export function usageFromAnthropic(usage: Message["usage"]): Usage {
  return {
    inputTokens: usage.input_tokens,
    outputTokens: usage.output_tokens,
    cachedReadTokens: usage.cache_read_input_tokens ?? 0,
    cacheWriteTokens: usage.cache_creation_input_tokens ?? 0,
  };
}

function requestBody(
  request: TransportRequest,
  model: string,
  defaultMaxTokens: number,
): MessageCreateParamsNonStreaming {
  const tool: Tool | undefined = request.schema && {
    name: request.schema.name,
    description: "Record the answer. Call this exactly once with the complete answer as its input.",
    input_schema: request.schema.jsonSchema as Tool.InputSchema,
  };
  return {
    model,
    max_tokens: request.maxTokens ?? defaultMaxTokens,
    system: [{ type: "text", text: request.system, cache_control: { type: "ephemeral" } }],
    messages: request.messages.map((message) => ({ role: message.role, content: message.content })),
    ...(tool && { tools: [tool], tool_choice: { type: "tool", name: tool.name } }),
  };
}

export function anthropicTransport(options: AnthropicProviderOptions): Transport {
  const client = new Anthropic({
    apiKey: options.apiKey,
    // Explicit so the SDK does not fall back to ANTHROPIC_BASE_URL: only config/ reads the environment.
    baseURL: options.baseURL ?? anthropicDefaultBaseURL,
    maxRetries: 0, // retry.ts is the only retry policy
    timeout: options.timeoutMs,
    ...(options.fetch && { fetch: options.fetch }),
  });
  const defaultMaxTokens = options.defaultMaxTokens ?? anthropicDefaultMaxTokens;

  async function send(request: TransportRequest, signal: AbortSignal): Promise<TransportReply> {
    let message: Message;
    try {
      message = await client.messages.create(requestBody(request, options.model, defaultMaxTokens), { signal });
    } catch (error) {
      throw toLlmError(error, errorClasses, "anthropic");
    }
    if (message.stop_reason === "refusal") {
      throw new LlmError("LLM_REFUSAL", "anthropic: the model refused", {
        details: { stopDetails: message.stop_details },
      });
    }
    const text = message.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("");
    const toolUse = message.content.find((block) => block.type === "tool_use" && block.name === request.schema?.name);
    const warnings: string[] = [];
    if (request.temperature !== undefined) warnings.push(temperatureNotSentWarning);
    if (message.stop_reason === "max_tokens") warnings.push("output truncated at the token limit");
    return {
      text,
      ...(toolUse?.type === "tool_use" && { payload: toolUse.input }),
      usage: usageFromAnthropic(message.usage),
      model: message.model,
      raw: message,
      warnings,
    };
  }

  return { name: "anthropic", model: options.model, send };
}
