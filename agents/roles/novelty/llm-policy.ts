import { fromPromise } from "xstate";
import type { Evidence, Payload } from "../../../bus/index.ts";
import type { Paper } from "../../literature/index.ts";
import type { ChatMessage } from "../../llm/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import { ask, modelFor } from "../shared/llm-kit.ts";
import type { NoveltyConfig } from "./config.ts";
import { formatResults, noveltyReplySchema, noveltySystem, roundPrompt } from "./llm-prompts.ts";

type Proposed = Payload<"idea.proposed">;
type Assessed = Payload<"idea.assessed">;

function toEvidence(n: number, paper: Paper, note: string): Evidence {
  return {
    source: paper.source,
    id: paper.id,
    title: paper.title,
    year: paper.year,
    venue: paper.venue,
    score: Number(paper.score.toFixed(4)),
    note,
    authors: paper.authors,
  };
}

/**
 * The llm novelty check: up to maxRounds query rounds in one conversation; the verdict keeps the cited papers first,
 * then every other result seen. Like the seed, an idea with no decision after the last round is not novel.
 */
export function noveltyLlmPolicy(context: RoleContext<NoveltyConfig>) {
  const { literature, template } = context.services;
  const { maxRounds, topK } = context.config;
  return {
    assess: fromPromise<Assessed, Proposed>(async ({ input, signal }) => {
      const model = modelFor(context, input.ideaId);
      const system = noveltySystem(template, maxRounds, topK);
      const seen: Array<{ n: number; paper: Paper; query: string }> = [];
      const messages: ChatMessage[] = [];
      let lastResults = "";
      const base = { ideaId: input.ideaId, idea: input.idea, params: input.params };
      for (let round = 1; round <= maxRounds; round++) {
        messages.push({ role: "user", content: roundPrompt(round, maxRounds, input.idea, lastResults) });
        const { value: reply, text } = await ask(context, model, {
          step: `novelty round ${round}`,
          system,
          messages,
          schema: noveltyReplySchema,
          schemaName: "novelty",
          signal,
        });
        messages.push({ role: "assistant", content: text });
        if (reply.decision !== "undecided") {
          const cited = new Set(reply.cited.filter((n) => seen.some((s) => s.n === n)));
          const evidence = [
            ...seen
              .filter((s) => cited.has(s.n))
              .map((s) => toEvidence(s.n, s.paper, `cited by the model (query "${s.query}")`)),
            ...seen
              .filter((s) => !cited.has(s.n))
              .slice(0, topK)
              .map((s) => toEvidence(s.n, s.paper, `seen for query "${s.query}"`)),
          ];
          const novel = reply.decision === "novel";
          const citedTitles = seen.filter((s) => cited.has(s.n)).map((s) => `"${s.paper.title}"`);
          const reason = `${novel ? "novel" : "not novel"} after ${round} round(s)${citedTitles.length ? `; cites ${citedTitles.join(", ")}` : ""}: ${reply.thought.slice(0, 600)}`;
          return { ...base, novel, reason, rounds: round, evidence };
        }
        const query = reply.query.trim();
        if (!query) {
          lastResults = "You neither decided nor gave a query. Give a query, or decide.";
          continue;
        }
        const papers = literature ? await literature.search(query, { limit: topK, signal }) : [];
        const numbered = papers.map((paper) => {
          const known = seen.find((s) => s.paper.id === paper.id);
          if (known) return { n: known.n, paper };
          const entry = { n: seen.length + 1, paper, query };
          seen.push(entry);
          return entry;
        });
        lastResults = formatResults(numbered);
      }
      return {
        ...base,
        novel: false,
        reason: `no decision after ${maxRounds} rounds: not novel by default (the seed's rule)`,
        rounds: maxRounds,
        evidence: seen.slice(0, topK).map((s) => toEvidence(s.n, s.paper, `seen for query "${s.query}"`)),
      };
    }),
  };
}
