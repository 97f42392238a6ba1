import { fromPromise } from "xstate";
import type { ArchiveEntry, Evidence, Payload } from "../../../bus/index.ts";
import type { Paper } from "../../literature/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import { canonicalParams } from "../ideator/index.ts";
import type { NoveltyConfig } from "./config.ts";

type Proposed = Payload<"idea.proposed">;
type Assessed = Payload<"idea.assessed">;

const STOP = new Set([
  "the",
  "of",
  "a",
  "an",
  "in",
  "on",
  "for",
  "to",
  "and",
  "with",
  "instead",
  "effect",
  "by",
  "is",
  "at",
  "from",
]);

export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9 ]+/g, " ")
    .split(/\s+/)
    .filter((w) => w.length > 2 && !STOP.has(w));
}

/**
 * Queries the rules policy can form from an idea: per changed knob, the knob in words with the setting's context
 * (a title full of numbers and identifiers matches nothing useful in a literature index).
 */
export function rulesQueries(proposal: Proposed, metric: string, maxRounds: number): string[] {
  const queries: string[] = [];
  const knobs = Object.keys(proposal.params).map((k) => k.replace(/_/g, " "));
  for (const knob of knobs)
    queries.push(`${knob} neural network training`, `${knob} multilayer perceptron ${metric.replace(/_/g, " ")}`);
  if (knobs.length > 1) queries.push(`${knobs.join(" ")} neural network`);
  return [...new Set(queries)].slice(0, maxRounds);
}

export function titleOverlap(ideaTitle: string, paperTitle: string): number {
  const ideaWords = new Set(words(ideaTitle));
  if (ideaWords.size === 0) return 0;
  const paperWords = new Set(words(paperTitle));
  let shared = 0;
  for (const w of ideaWords) if (paperWords.has(w)) shared++;
  return shared / ideaWords.size;
}

/**
 * Rules verdict: not novel when the archive already holds another idea with identical settings, or a paper's
 * title covers the idea's title; the evidence (top results of every query) is kept either way.
 */
export function judgeRules(
  proposal: Proposed,
  archive: ArchiveEntry[],
  papers: Paper[],
  rounds: number,
  threshold: number,
): Assessed {
  // Ideas without settings (from an llm ideator) are compared by the literature only: empty settings match each other.
  const hasParams = Object.keys(proposal.params).length > 0;
  const same = hasParams
    ? archive.find(
        (e) =>
          e.ideaId !== proposal.ideaId &&
          e.status !== "proposed" &&
          canonicalParams(e.params) === canonicalParams(proposal.params),
      )
    : undefined;
  const evidence: Evidence[] = papers.map((p) => ({
    source: p.source,
    id: p.id,
    title: p.title,
    year: p.year,
    venue: p.venue,
    score: Number(p.score.toFixed(4)),
    note: `title overlap ${titleOverlap(proposal.idea.Title, p.title).toFixed(2)}`,
    authors: p.authors,
  }));
  if (same) {
    evidence.unshift({
      source: "archive",
      id: same.ideaId,
      title: same.idea.Title,
      year: null,
      venue: `run ${same.run}`,
      score: 1,
      note: "identical settings",
    });
    return {
      ...base(proposal, rounds, evidence),
      novel: false,
      reason: `the archive already holds ${same.ideaId} (run ${same.run}) with identical settings`,
    };
  }
  const close = papers.find((p) => titleOverlap(proposal.idea.Title, p.title) >= threshold);
  if (close)
    return {
      ...base(proposal, rounds, evidence),
      novel: false,
      reason: `"${close.title}" (${close.venue ?? "?"} ${close.year ?? ""}) covers the idea's title`,
    };
  return {
    ...base(proposal, rounds, evidence),
    novel: true,
    reason: `no archived idea has these settings and no paper among ${papers.length} results covers its title`,
  };
}

function base(proposal: Proposed, rounds: number, evidence: Evidence[]) {
  return { ideaId: proposal.ideaId, idea: proposal.idea, params: proposal.params, rounds, evidence };
}

export function noveltyRulesPolicy(context: RoleContext<NoveltyConfig>) {
  const { archive, literature, template } = context.services;
  return {
    assess: fromPromise<Assessed, Proposed>(async ({ input, signal }) => {
      const queries = rulesQueries(input, template.metrics.primary, context.config.maxRounds);
      const byId = new Map<string, Paper>();
      for (const query of literature ? queries : []) {
        for (const paper of await literature!.search(query, { limit: context.config.topK, signal })) {
          const seen = byId.get(paper.id);
          if (!seen || seen.score < paper.score) byId.set(paper.id, paper);
        }
      }
      const papers = [...byId.values()].sort((a, b) => b.score - a.score).slice(0, context.config.topK);
      return judgeRules(
        input,
        await archive.list(template.name),
        papers,
        literature ? queries.length : 0,
        context.config.titleOverlap,
      );
    }),
  };
}
