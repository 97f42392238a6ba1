// Adapter for servers that speak the Chat Completions wire format (vLLM, llama.cpp, Ollama, LM Studio, proxies).
// Many of them reject or silently ignore response_format json_schema, so structured output degrades to an
// instruction in the system prompt; JSON is then extracted from the text and validated by the generation loop.
// The switch is remembered per provider instance, so a server that cannot do json_schema costs one probe, once.
import { isLlmError } from "./errors.ts";
import { extractJson } from "./json-extraction.ts";
import { openAiClient, sendChatCompletion, type OpenAiProviderOptions } from "./openai-provider.ts";
import type { Transport, TransportReply, TransportRequest } from "./types.ts";
import { jsonInstruction } from "./wire-schema.ts";

type StructuredMode = "json_schema" | "prompt";

export interface OpenAiCompatibleProviderOptions extends OpenAiProviderOptions {
  baseURL: string;
  /** Start in prompt mode, for servers known not to support json_schema. */
  structuredMode?: StructuredMode;
}

const name = "openai-compatible";

export function openAiCompatibleTransport(options: OpenAiCompatibleProviderOptions): Transport {
  const client = openAiClient(options);
  let mode: StructuredMode = options.structuredMode ?? "json_schema";

  function send(request: TransportRequest, signal: AbortSignal, current: StructuredMode): Promise<TransportReply> {
    const instruction =
      current === "prompt" && request.schema ? jsonInstruction({ ...request.schema, wrapped: false }) : undefined;
    return sendChatCompletion(client, request, signal, {
      name,
      model: options.model,
      maxTokensField: "max_tokens",
      useResponseFormat: current === "json_schema",
      ...(instruction !== undefined && { jsonInstruction: instruction }),
    });
  }

  return {
    name,
    model: options.model,
    async send(request, signal) {
      if (!request.schema || mode === "prompt") return send(request, signal, mode);
      let reply: TransportReply;
      try {
        reply = await send(request, signal, "json_schema");
      } catch (error) {
        // Any 400 while response_format was set is taken as "json_schema unsupported": servers word this
        // differently. The cost of a wrong guess is one extra request, once per provider instance.
        if (!isLlmError(error, "LLM_BAD_REQUEST") || error.status !== 400) throw error;
        mode = "prompt";
        const fallback = await send(request, signal, "prompt");
        return {
          ...fallback,
          warnings: [...fallback.warnings, "server rejected json_schema; using a JSON instruction in the prompt"],
        };
      }
      if (extractJson(reply.text).found && reply.text.trim().startsWith("{")) return reply;
      // The server accepted response_format but answered with prose: it ignores the option, so from now on
      // say what we want in the prompt. This reply still goes to validation (JSON may be inside the prose).
      mode = "prompt";
      return {
        ...reply,
        warnings: [...reply.warnings, "server ignored json_schema; switching to a JSON instruction in the prompt"],
      };
    },
  };
}
