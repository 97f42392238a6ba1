/**
 * A local OpenAI-wire server for the swarm benches. It answers as the test suite's scripted researcher
 * (tests/support/scripted-research-server.ts, so it follows the roles' schemas as they change), after a simulated
 * model latency (mean ± jitter, uniform, seeded), and reports usage counted with a real tokenizer (gpt-tokenizer,
 * o200k_base as gpt-4o uses it). Prompt caching is OpenAI's rule: a request whose first ≥ 1,024 tokens match an
 * earlier request's are served from cache in 128-token steps; the structured-output schema is part of the prefix.
 */

import { writeChatCompletion, serveLocal } from "../agents/llm/testing/index.ts";
import { createHash, type Hash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { encode, encodeChat } from "gpt-tokenizer/model/gpt-4o";
import { researcherReply, type ChatRequest } from "../tests/support/scripted-research-server.ts";

export interface TokenTally {
  calls: number;
  inputTokens: number;
  cachedTokens: number;
  outputTokens: number;
}

export interface TokenServer {
  readonly url: string;
  /** Tallies by structured-output schema name (one role asks for each). */
  readonly bySchema: Record<string, TokenTally>;
  total(): TokenTally;
  close(): Promise<void>;
}

const CACHE_MIN = 1024;
const CACHE_STEP = 128;

/** mulberry32: a small seeded PRNG, so two runs see the same latency sequence. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The prefix-cache: hashes of every request's token prefix at each cacheable boundary. */
export class PrefixCache {
  private readonly seen = new Set<string>();
  /** Cached tokens for `tokens` (longest boundary prefix seen before), then remembers this request's prefixes. */
  lookupAndStore(tokens: readonly number[]): number {
    const hash: Hash = createHash("sha256");
    let cached = 0;
    let fed = 0;
    const keys: string[] = [];
    for (let boundary = CACHE_MIN; boundary <= tokens.length; boundary += CACHE_STEP) {
      hash.update(Uint32Array.from(tokens.slice(fed, boundary)));
      fed = boundary;
      const key = `${boundary}:${hash.copy().digest("hex")}`;
      keys.push(key);
      // Every request stores all its boundaries, so a seen prefix implies every shorter one was seen too.
      if (this.seen.has(key)) cached = boundary;
    }
    for (const key of keys) this.seen.add(key);
    return cached;
  }
}

export async function startTokenServer(options: {
  latencyMs: number;
  jitterMs: number;
  seed?: number;
}): Promise<TokenServer> {
  const bySchema: Record<string, TokenTally> = {};
  const cache = new PrefixCache();
  const random = prng(options.seed ?? 42);
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.url !== "/v1/chat/completions") {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatRequest & {
      response_format?: { json_schema?: { name?: string; schema?: unknown } };
    };
    const schema = body.response_format?.json_schema;
    const name = schema?.name ?? "(none)";
    const schemaTokens = schema ? encode(JSON.stringify(schema)) : [];
    const chat = encodeChat(
      body.messages.map((m) => ({ role: m.role as "system" | "user" | "assistant", content: m.content })),
    );
    const tokens = [...schemaTokens, ...chat];
    const cached = cache.lookupAndStore(tokens);
    const content = JSON.stringify(researcherReply(body));
    const outputTokens = encode(content).length;
    const tally = (bySchema[name] ??= { calls: 0, inputTokens: 0, cachedTokens: 0, outputTokens: 0 });
    tally.calls++;
    tally.inputTokens += tokens.length;
    tally.cachedTokens += cached;
    tally.outputTokens += outputTokens;
    const delay = Math.max(0, options.latencyMs + (random() * 2 - 1) * options.jitterMs);
    await new Promise((resolve) => setTimeout(resolve, delay));
    writeChatCompletion(res, {
      id: `chatcmpl-bench-${tally.calls}`,
      model: body.model,
      content,
      promptTokens: tokens.length,
      completionTokens: outputTokens,
      cachedTokens: cached,
    });
  }
  const local = await serveLocal(handle);
  return {
    url: local.url,
    bySchema,
    total: () =>
      Object.values(bySchema).reduce(
        (a, t) => ({
          calls: a.calls + t.calls,
          inputTokens: a.inputTokens + t.inputTokens,
          cachedTokens: a.cachedTokens + t.cachedTokens,
          outputTokens: a.outputTokens + t.outputTokens,
        }),
        { calls: 0, inputTokens: 0, cachedTokens: 0, outputTokens: 0 },
      ),
    close: local.close,
  };
}
