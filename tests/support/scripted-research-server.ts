// A local OpenAI-compatible server (node:http on 127.0.0.1) that plays a competent, deterministic researcher:
// it picks its reply from the structured-output schema name each role asks for, and reads the prompt where the
// reply depends on it (which ideas exist, which round this is, the code to edit). Usage is reported like OpenAI's
// (prompt and completion tokens, ~4 characters a token), so ledgers and budgets see realistic numbers.
import { roughTokens, writeChatCompletion, serveLocal } from "../../agents/llm/testing/index.ts";
import type { IncomingMessage, ServerResponse } from "node:http";

export interface ChatRequest {
  model: string;
  messages: Array<{ role: string; content: string }>;
  response_format?: { json_schema?: { name?: string } };
}

export interface ResearchServer {
  /** Base URL including /v1, as the openai SDK's baseURL. */
  readonly url: string;
  /** Requests served, by schema name. */
  readonly served: Record<string, number>;
  total(): number;
  close(): Promise<void>;
}

const idea = (k: number) => ({
  Name: `lr_probe_${k}`,
  Title: `Probing learning rate sensitivity ${k}`,
  Experiment: "Raise the learning rate of the MLP and compare validation accuracy with the baseline on every dataset.",
  Interestingness: 6,
  Feasibility: 9,
  Novelty: 5,
});

const review = (overall: number) => ({
  Summary: "The paper raises the learning rate of a small MLP and reports validation accuracy against the baseline.",
  Strengths: ["Every number is read from the run artifacts."],
  Weaknesses: ["A single change, three seeds."],
  Originality: 2,
  Quality: 3,
  Clarity: 3,
  Significance: 2,
  Questions: ["Does the effect hold for deeper networks?"],
  Limitations: ["Toy datasets only."],
  "Ethical Concerns": false,
  Soundness: 3,
  Presentation: 3,
  Contribution: 2,
  Overall: overall,
  Confidence: 3,
  Decision: overall >= 6 ? "Accept" : "Reject",
});

const block = (file: string, search: string, replace: string) =>
  `${file}\n<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE`;

/** The researcher's answer to one request, by the schema it asks for. */
export function researcherReply(request: ChatRequest): unknown {
  const schema = request.response_format?.json_schema?.name ?? "";
  const user = request.messages.filter((m) => m.role === "user");
  const first = user[0]?.content ?? "";
  const last = user.at(-1)?.content ?? "";
  switch (schema) {
    case "idea": {
      const k = (first.match(/lr_probe_/g) ?? []).length + 1;
      return { thought: user.length > 1 ? "Nothing to improve. I am done" : "A first draft.", idea: idea(k) };
    }
    case "novelty":
      return user.length === 1
        ? { thought: "Search first.", decision: "undecided", query: "learning rate neural network training", cited: [] }
        : { thought: "Decision made: novel.", decision: "novel", query: "", cited: [1] };
    case "plan":
      return { thought: "One run suffices.", runs: [{ description: "learning_rate 0.2 instead of 0.05" }] };
    case "edits": {
      // After the plots: describe each figure in notes.txt, naming its file (the seed's last coder prompt).
      if (first.includes("description of what each plot shows")) {
        const figures = /The figures plot\.py wrote: (.+)/.exec(first)?.[1]?.split(", ") ?? [];
        const lines = figures.map(
          (f) => `${f}: validation accuracy of the baseline (run_0) and of learning_rate 0.2 (run_1), per dataset.`,
        );
        return { thought: "Describe the plots.", edits: block("notes.txt", "", lines.join("\n")) };
      }
      // plot.py got its run_1 label with the run's edit; one run answers the question.
      if (first.includes("Great job! Please modify `plot.py`"))
        return { thought: "plot.py already labels every run.", edits: "" };
      if (first.includes("Run 1 completed. Here are the results:"))
        return { thought: "One run answers the question.", edits: "ALL_COMPLETED" };
      // A first attempt whose SEARCH text is stale: the swarm must report it back, never skip it.
      if (user.length === 1)
        return {
          thought: "Edit.",
          description: "learning_rate 0.2 instead of 0.05",
          edits: block("experiment.py", '"learning_rate": 0.5', '"learning_rate": 0.2'),
        };
      const plot = block("plot.py", '    "run_0": "Baseline",', '    "run_0": "Baseline",\n    "run_1": "lr 0.2",');
      return {
        thought: "Fixed.",
        description: "learning_rate 0.2 instead of 0.05",
        edits: `${block("experiment.py", '"learning_rate": 0.05', '"learning_rate": 0.2')}\n\n${plot}`,
      };
    }
    case "title_abstract":
      return {
        title: "Higher Learning Rates for Small MLPs",
        abstract: "We raise the learning rate of a small MLP and measure validation accuracy on three toy datasets.",
      };
    case "section":
      return {
        text: last.includes("refine")
          ? "A refined section that reports only what the runs measured."
          : "A section that reports only what the runs measured.",
      };
    case "review":
      return {
        thought: user.length > 1 ? "I am done" : "First pass.",
        review: review(first.includes("and failed runs") ? 5 : 7),
      };
    case "meta_review":
      return { thought: "Consensus.", review: review(6) };
    // The writer's citation rounds, claim fixes and LaTeX fixes: a draft that needs none of them.
    case "citation_query":
      return {
        Thought: "The draft cites the works it discusses. No more citations needed",
        Description: "",
        Query: "",
      };
    case "citation_select":
      return { Thought: "Do not add any", Selected: "[]", Description: "" };
    case "citation_edit":
    case "claim_fix":
    case "latex_fix":
      return { thought: "Nothing to change.", edits: "" };
    default:
      return { error: `unknown schema ${schema}` };
  }
}

/**
 * Valid JSON for every schema, useless for research: odd names and scores, citations of papers never shown, and
 * edits that match nothing. The swarm must end such ideas with reasons, not crash or hang.
 */
export function uselessReply(request: ChatRequest): unknown {
  const schema = request.response_format?.json_schema?.name ?? "";
  switch (schema) {
    case "idea":
      return {
        thought: "I am done",
        idea: { Name: "?? !!", Title: "zzz", Experiment: "qqq", Interestingness: 1, Feasibility: 10, Novelty: 1 },
      };
    case "novelty":
      return { thought: "whatever", decision: "novel", query: "", cited: [99, -1] };
    case "plan":
      return { thought: "", runs: [{ description: "x" }, { description: "y" }] };
    case "edits":
      return { thought: "", edits: block("experiment.py", "this line exists nowhere", "print('hi')") };
    default:
      return researcherReply(request);
  }
}

/** `reply` replaces the built-in researcher (compose with `researcherReply` for the schemas it does not script). */
export async function startResearchServer(
  options: { useless?: boolean; reply?: (request: ChatRequest) => unknown } = {},
): Promise<ResearchServer> {
  const served: Record<string, number> = {};
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as ChatRequest;
    if (req.url !== "/v1/chat/completions") {
      res.writeHead(404).end();
      return;
    }
    const name = body.response_format?.json_schema?.name ?? "(none)";
    served[name] = (served[name] ?? 0) + 1;
    const content = JSON.stringify((options.reply ?? (options.useless ? uselessReply : researcherReply))(body));
    const promptChars = body.messages.reduce((n, m) => n + m.content.length, 0);
    writeChatCompletion(res, {
      id: `chatcmpl-${served[name]}`,
      model: body.model,
      content,
      promptTokens: roughTokens(promptChars),
      completionTokens: roughTokens(content.length),
    });
  }
  const local = await serveLocal(handle);
  return {
    url: local.url,
    served,
    total: () => Object.values(served).reduce((a, b) => a + b, 0),
    close: local.close,
  };
}
