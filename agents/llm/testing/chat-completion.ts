// The OpenAI chat.completion reply body that the local test servers (scripted researcher, review-bench, token
// bench) answer with: one place for the wire shape.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

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
      choices: [
        { index: 0, finish_reason: "stop", message: { role: "assistant", content: reply.content, refusal: null } },
      ],
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

/** Serves `handle` on a random loopback port as an OpenAI-style `/v1` base URL; a failing handler answers 500. */
export async function serveLocal(
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => res.writeHead(500).end(String(error)));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
