// The seed's novelty check (generate_ideas.py check_idea_novelty): a harsh-critic system message, then up to
// `maxRounds` rounds, each showing the last query's top results and asking for a query or a decision.
// Structured output replaces "Decision made: novel." in the thought with a `decision` field, and the verdict must
// cite the results it rests on (by their number), so the evidence is kept with the decision.
import { z } from "zod";
import type { Idea } from "../../../bus/index.ts";
import type { Paper } from "../../literature/index.ts";
import type { TemplateInfo } from "../../runtime/index.ts";

export const noveltyReplySchema = z
  .object({
    thought: z.string(),
    decision: z.enum(["novel", "not novel", "undecided"]).describe("'undecided' while you still need to search"),
    query: z.string().describe("a literature search query; required while undecided, empty once decided"),
    cited: z.array(z.number().int()).describe("numbers of the papers (from any round) your decision rests on"),
  })
  .strict();
export type NoveltyReply = z.infer<typeof noveltyReplySchema>;

export function noveltySystem(template: TemplateInfo, maxRounds: number, topK: number): string {
  return `You are an ambitious AI PhD student who is looking to publish a paper that will contribute significantly to the field.
You have an idea and you want to check if it is novel or not. I.e., not overlapping significantly with existing literature or already well explored.
Be a harsh critic for novelty, ensure there is a sufficient contribution in the idea for a new conference or workshop paper.
You will be given access to a literature search engine, which you may use to survey the literature and find relevant papers to help you make your decision.
The top ${topK} results for any search query will be presented to you with the abstracts.

You will be given ${maxRounds} rounds to decide on the paper, but you do not need to use them all.
At any round, you may exit early and decide on the novelty of the idea.
Decide a paper idea is novel if after sufficient searching, you have not found a paper that significantly overlaps with your idea.
Decide a paper idea is not novel, if you have found a paper that significantly overlaps with your idea.

${template.prompt.task_description}
<experiment.py>
${template.files["experiment.py"] ?? ""}
</experiment.py>`;
}

/** Results as the seed prints them, numbered across rounds so a decision can cite them. */
export function formatResults(papers: Array<{ n: number; paper: Paper }>): string {
  if (papers.length === 0) return "No papers found.";
  return papers
    .map(
      ({ n, paper }) =>
        `${n}: ${paper.title}. ${paper.authors.join(", ")}. ${paper.venue ?? "unknown venue"}, ${paper.year ?? "n.d."}.\nNumber of citations: ${paper.citations ?? "unknown"}\nAbstract: ${paper.abstract}`,
    )
    .join("\n\n");
}

export function roundPrompt(round: number, maxRounds: number, idea: Idea, lastResults: string): string {
  return `Round ${round}/${maxRounds}.
You have this idea:

"""
${JSON.stringify(idea)}
"""

The results of the last query are (empty on first round):
"""
${lastResults}
"""

Respond with a JSON object with the fields "thought", "decision", "query" and "cited".

In "thought", first briefly reason over the idea and identify any query that could help you make your decision.
If you have made your decision, set "decision" to "novel" or "not novel"; otherwise set it to "undecided".

In "query", give a search query to search the literature (e.g. attention is all you need). You must make a query if you have not decided this round.
A query will work best if you are able to recall the exact name of the paper you are looking for, or the authors.

In "cited", list the numbers of the papers your decision rests on (the overlapping papers for "not novel"; the closest ones you found for "novel").
This JSON will be automatically parsed, so ensure the format is precise.`;
}
