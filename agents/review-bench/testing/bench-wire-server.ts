// A local server speaking the OpenAI chat-completions wire format for review-bench tests. Each review scores the
// paper it was shown from a cheap property of that text (its length: longer papers score higher), never from the
// venue's decision, so the bench's figures are non-trivial and checkable. Requests are logged with the paper's
// title and whether the prompt still held a decision tell-tale.
import { roughTokens, writeChatCompletion, serveLocal } from "../../llm/testing/index.ts";
import type { IncomingMessage, ServerResponse } from "node:http";

interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  response_format?: { json_schema?: { name?: string } };
}

export interface ServedRequest {
  schema: string;
  /** The reviewed paper's title (from the bench's "# <title>\n\nABSTRACT" opening), or null for meta-reviews. */
  title: string | null;
  overall: number | null;
  /** The prompt contained "Anonymous authors" or "Published as a conference paper" after the paper's opening. */
  leaked: boolean;
}

export interface BenchWireServer {
  readonly url: string;
  readonly requests: ServedRequest[];
  close(): Promise<void>;
}

/** The score a paper of `chars` characters gets: 35k -> 3, 72k -> 6, 100k+ -> 8. */
export const scoreForLength = (chars: number) => Math.max(1, Math.min(10, Math.round(chars / 12_000)));

const review = (overall: number) => ({
  Summary: "A scripted review that scores the paper by its length.",
  Strengths: ["Long papers carry more material."],
  Weaknesses: ["Length is not quality."],
  Originality: 2,
  Quality: 2,
  Clarity: 3,
  Significance: 2,
  Questions: ["None."],
  Limitations: ["Scripted."],
  "Ethical Concerns": false,
  Soundness: 2,
  Presentation: 3,
  Contribution: 2,
  Overall: overall,
  Confidence: 3,
  Decision: overall >= 6 ? "Accept" : "Reject",
});

/** The bench paper inside a prompt: from the last "# title\n\nABSTRACT" opening to the end of the message. */
export function paperInPrompt(prompt: string): { title: string; text: string } | null {
  const openings = [...prompt.matchAll(/^# (.+)\n\nABSTRACT\n/gm)];
  const last = openings.at(-1);
  if (!last || last.index === undefined) return null;
  return { title: last[1]!, text: prompt.slice(last.index).replace(/\n```\s*$/, "") };
}

export async function startBenchWireServer(): Promise<BenchWireServer> {
  const requests: ServedRequest[] = [];
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.url !== "/v1/chat/completions") {
      res.writeHead(404).end();
      return;
    }
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatRequest;
    const schema = body.response_format?.json_schema?.name ?? "(none)";
    const user = body.messages.filter((m) => m.role === "user");
    let reply: unknown;
    let served: ServedRequest;
    if (schema === "review") {
      const paper = paperInPrompt(user[0]?.content ?? "");
      const overall = paper ? scoreForLength(paper.text.length) : 1;
      const leaked = paper ? /Anonymous authors|Published as a conference paper/.test(paper.text) : false;
      served = { schema, title: paper?.title ?? null, overall, leaked };
      // First pass, then "I am done" on the first reflection: two calls a seat.
      reply = { thought: user.length > 1 ? "Nothing to change. I am done" : "First pass.", review: review(overall) };
    } else if (schema === "meta_review") {
      served = { schema, title: null, overall: null, leaked: false };
      reply = { thought: "The panel agrees.", review: review(5) };
    } else {
      served = { schema, title: null, overall: null, leaked: false };
      reply = { error: `unexpected schema ${schema}` };
    }
    requests.push(served);
    const content = JSON.stringify(reply);
    const promptChars = body.messages.reduce((n, m) => n + m.content.length, 0);
    writeChatCompletion(res, {
      id: `chatcmpl-${requests.length}`,
      model: body.model,
      content,
      promptTokens: roughTokens(promptChars),
      completionTokens: roughTokens(content.length),
    });
  }
  const local = await serveLocal(handle);
  return {
    url: local.url,
    requests,
    close: local.close,
  };
}
