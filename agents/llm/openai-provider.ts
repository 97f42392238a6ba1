// OpenAI adapter over the official SDK (openai 6.x), Chat Completions API. Structured output uses
// response_format json_schema; strict mode is switched on only when the zod schema is strict-compatible
// (every property required, no extras), because OpenAI rejects non-conforming schemas in strict mode.
import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from "openai";
import type {
  ChatCompletion,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
} from "openai/resources/chat/completions";
import { LlmError } from "./errors.ts";
import { toLlmError } from "./sdk-errors.ts";
import type { Transport, TransportReply, TransportRequest, Usage } from "./types.ts";

export const openAiErrorClasses = { APIError, APIUserAbortError, APIConnectionError, APIConnectionTimeoutError };

export interface OpenAiClientOptions {
  apiKey: string;
  baseURL?: string;
  timeoutMs: number;
  fetch?: typeof fetch;
}

export const openAiDefaultBaseURL = "https://api.openai.com/v1";

export function openAiClient(options: OpenAiClientOptions): OpenAI {
  return new OpenAI({
    apiKey: options.apiKey,
    // Passed explicitly (and organization/project as null) so the SDK does not fall back to OPENAI_* variables:
    // only config/ reads the environment.
    baseURL: options.baseURL ?? openAiDefaultBaseURL,
    organization: null,
    project: null,
    maxRetries: 0, // retry.ts is the only retry policy
    timeout: options.timeoutMs,
    ...(options.fetch && { fetch: options.fetch }),
  });
}

export interface ChatCompletionOptions {
  name: string;
  model: string;
  /** OpenAI's current field is max_completion_tokens; most compatible servers only know max_tokens. */
  maxTokensField: "max_completion_tokens" | "max_tokens";
  /** Instruction appended to the system prompt instead of response_format (compatible fallback). */
  jsonInstruction?: string;
  useResponseFormat: boolean;
}

export function usageFromOpenAi(usage: ChatCompletion["usage"]): Usage {
  const cached = usage?.prompt_tokens_details?.cached_tokens ?? 0;
  return {
    inputTokens: Math.max(0, (usage?.prompt_tokens ?? 0) - cached),
    outputTokens: usage?.completion_tokens ?? 0,
    cachedReadTokens: cached,
    cacheWriteTokens: 0, // OpenAI caches automatically and does not bill a write
  };
}

/** One Chat Completions round trip, shared by the OpenAI and OpenAI-compatible adapters. */
export async function sendChatCompletion(
  client: OpenAI,
  request: TransportRequest,
  signal: AbortSignal,
  options: ChatCompletionOptions,
): Promise<TransportReply> {
  const system = options.jsonInstruction ? `${request.system}\n\n${options.jsonInstruction}` : request.system;
  const messages: ChatCompletionMessageParam[] = [{ role: "system", content: system }, ...request.messages];
  const body: ChatCompletionCreateParamsNonStreaming = {
    model: options.model,
    messages,
    ...(request.temperature !== undefined && { temperature: request.temperature }),
    ...(request.maxTokens !== undefined && { [options.maxTokensField]: request.maxTokens }),
    ...(request.schema &&
      options.useResponseFormat && {
        response_format: {
          type: "json_schema",
          json_schema: { name: request.schema.name, schema: request.schema.jsonSchema, strict: request.schema.strict },
        },
      }),
  };
  let completion: ChatCompletion;
  try {
    completion = await client.chat.completions.create(body, { signal });
  } catch (error) {
    throw toLlmError(error, openAiErrorClasses, options.name);
  }
  const choice = completion.choices[0];
  if (!choice) throw new LlmError("LLM_SERVER_ERROR", `${options.name}: response had no choices`, { retryable: true });
  if (choice.message.refusal) {
    throw new LlmError("LLM_REFUSAL", `${options.name}: the model refused: ${choice.message.refusal}`, {
      details: { refusal: choice.message.refusal },
    });
  }
  if (choice.finish_reason === "content_filter") {
    throw new LlmError("LLM_REFUSAL", `${options.name}: output stopped by the content filter`, {
      details: { finishReason: "content_filter" },
    });
  }
  const warnings: string[] = [];
  if (request.schema && !request.schema.strict && options.useResponseFormat) {
    warnings.push("schema is not strict-compatible (optional or open properties): sent with strict: false");
  }
  if (choice.finish_reason === "length") warnings.push("output truncated at the token limit");
  return {
    text: choice.message.content ?? "",
    usage: usageFromOpenAi(completion.usage),
    model: completion.model ?? options.model,
    raw: completion,
    warnings,
  };
}

export interface OpenAiProviderOptions extends OpenAiClientOptions {
  model: string;
}

export function openAiTransport(options: OpenAiProviderOptions): Transport {
  const client = openAiClient(options);
  return {
    name: "openai",
    model: options.model,
    send: (request, signal) =>
      sendChatCompletion(client, request, signal, {
        name: "openai",
        model: options.model,
        maxTokensField: "max_completion_tokens",
        useResponseFormat: true,
      }),
  };
}
