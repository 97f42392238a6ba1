// The OpenAI chat.completion reply body that the local test servers (scripted researcher, review-bench, token
// bench) answer with: one place for the wire shape.
import type { ServerResponse } from "node:http";

export interface CompletionReply {
  id: string;
  model: string;
  content: string;
  promptTokens: number;
  completionTokens: number;
  cachedTokens?: number;
}

export function writeChatCompletion(res: ServerResponse, reply: CompletionReply): void {
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      id: reply.id,
      object: "chat.completion",
      created: 0,
      model: reply.model,
      choices: [{ index: 0, finish_reason: "stop", message: { role: "assistant", content: reply.content, refusal: null } }],
      usage: {
        prompt_tokens: reply.promptTokens,
        completion_tokens: reply.completionTokens,
        total_tokens: reply.promptTokens + reply.completionTokens,
        ...(reply.cachedTokens !== undefined && { prompt_tokens_details: { cached_tokens: reply.cachedTokens } }),
      },
    }),
  );
}

/** The local servers' stand-in tokenizer: about 4 characters a token. */
export const roughTokens = (chars: number): number => Math.ceil(chars / 4);
