// The seed's citation rounds (perform_writeup.py: citation_system_msg, citation_first_prompt,
// citation_second_prompt, get_citation_aider_prompt), ≤ citationRounds (the seed's 20): the model names the
// citation it still needs and a query; the configured literature chain answers (recorded for replay in llm runs);
// the model picks papers from the answer; their BibTeX (built from the answer) joins the bibliography,
// deduplicated; then the model works the citation into the draft with edit blocks. "No more citations needed"
// ends the rounds early. A round whose reply or search fails is skipped, as in the seed; a spent budget is not.
import { z } from "zod";
import { toBibtex, type Paper } from "../../literature/index.ts";
import type { ChatMessage, ModelProvider } from "../../llm/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import { ask, isBudgetExhausted, type Ask } from "../shared/llm-kit.ts";
import { bibliographyOf } from "./bibliography.ts";
import type { WriterConfig } from "./config.ts";
import { applyMarkdownEdits, EDIT_FORMAT } from "./markdown-edits.ts";
import type { Draft, Reference } from "./rules-paper.ts";

export const citationQuerySchema = z
  .object({ Thought: z.string(), Description: z.string(), Query: z.string() })
  .strict();
export const citationSelectSchema = z
  .object({
    Thought: z.string(),
    Selected: z.string().describe('indices of the selected papers, e.g. "[0, 1]", or "[]"'),
    Description: z.string(),
  })
  .strict();
export const citationEditSchema = z.object({ thought: z.string(), edits: z.string() }).strict();

export const NO_MORE = "No more citations needed";
export const ADD_NONE = "Do not add any";

export function citationSystem(totalRounds: number): string {
  return `You are an ambitious AI PhD student who is looking to publish a paper that will contribute significantly to the field.
You have already written an initial draft of the paper and now you are looking to add missing citations to related papers throughout the paper.
The related work section already has some initial comments on which papers to add and discuss.

Focus on completing the existing write-up and do not add entirely new elements unless necessary.
Ensure every point in the paper is substantiated with sufficient evidence.
Feel free to add more cites to a particular point if there is only one or two references.
Ensure no paper is cited without a corresponding reference in the \`references.bib\` file.
Ensure each paragraph of the related work has sufficient background, e.g. a few papers cited.
You will be given access to a literature search, only add citations that you have found using it.
Add at least 5 new cites!

You will be prompted to give a precise description of where and how to add the cite, and a search query for the paper to be cited.
Finally, you will select the most relevant cite from the search results (top 10 results will be shown).
You will have ${totalRounds} rounds to add to the references, but do not need to use them all.

DO NOT ADD A CITATION THAT ALREADY EXISTS!`;
}

export function citationFirstPrompt(draft: string, bib: string, round: number, total: number): string {
  return `Round ${round}/${total}:

You have written this draft so far (Markdown; citations are written [@key] with the key of references.bib):

"""
${draft}
"""

references.bib:

"""
${bib || "(empty)"}
"""

Identify the most important citation that you still need to add, and the query to find the paper.

Reply with a JSON object with the fields "Thought", "Description" and "Query".

In "Thought", first briefly reason over the paper and identify where citations should be added.
If there are more citations needed, add "${NO_MORE}" to your thoughts.
Do not add "${NO_MORE}" if you are adding citations this round.

- "Description": A precise description of the required edit, along with the proposed text and location where it should be made.
- "Query": The search query to find the paper (e.g. attention is all you need).

Ensure the description is sufficient to make the change without further context. Someone else will make the change.
The query will work best if you are able to recall the exact name of the paper you are looking for, or the authors.`;
}

export function paperList(papers: Paper[]): string {
  return papers
    .map(
      (p, i) =>
        `${i}: ${p.title}. ${p.authors.join(", ")}. ${p.venue ?? ""}, ${p.year ?? ""}.\nAbstract: ${p.abstract}`,
    )
    .join("\n\n");
}

export function citationSecondPrompt(papers: Paper[]): string {
  return `Search has recovered the following articles:

${paperList(papers)}

Reply with a JSON object with the fields "Thought", "Selected" and "Description".

In "Thought", first briefly reason over the search results and identify which citation best fits your paper and the location is to be added at.
If none are appropriate, add "${ADD_NONE}" to your thoughts.

- "Selected": A list of the indices of the selected papers to be cited, e.g. "[0, 1]". Can be "[]" if no papers are selected. This must be a string.
- "Description": Update the previous description of the required edit if needed. Ensure that any cites precisely match the key in the bibtex!!!

Do not select papers that are already in the \`references.bib\` file, or if the same citation exists under a different name.`;
}

export function citationEditPrompt(bibtex: string, description: string, draft: string): string {
  return `The following citations have just been added to the end of the \`references.bib\` file:
"""
${bibtex}
"""
You do not need to add them yourself.
ABSOLUTELY DO NOT ADD IT AGAIN!!!

Make the proposed change to the draft incorporating these new cites:
${description}

Use your judgment for whether these should be cited anywhere else.
Make sure that any citation precisely matches the key in \`references.bib\`.
Ensure the citation is well-integrated into the text.
You must use [@key] to reference papers, do not manually type out author names.

The draft:

\`\`\`markdown
${draft}
\`\`\`

${EDIT_FORMAT}`;
}

/** The selected indices, or null when the string is not a list of valid indices ("[0, 2]", "[]"). */
export function parseSelected(selected: string, count: number): number[] | null {
  const body = selected
    .trim()
    .replace(/^\[|\]$/g, "")
    .trim();
  if (body === "") return [];
  const indices = body.split(",").map((s) => Number(s.trim()));
  return indices.every((i) => Number.isInteger(i) && i >= 0 && i < count) ? [...new Set(indices)] : null;
}

export interface CitationOutcome {
  draft: Draft;
  references: Reference[];
  rounds: number;
  /** Per round, what happened (kept in the notes of the idea's log). */
  log: string[];
}

const asReference = (p: Paper): Reference => ({
  id: p.id,
  title: p.title,
  authors: p.authors,
  venue: p.venue,
  year: p.year,
  source: p.source,
  doi: p.doi ?? null,
  arxivId: p.arxivId ?? null,
  url: p.url ?? null,
});

/** The citation rounds over `draft` (whose citations are [@key]), starting from `references`. */
export async function citationRounds(
  context: RoleContext<WriterConfig>,
  model: ModelProvider,
  start: { draft: Draft; references: Reference[] },
  signal: AbortSignal,
): Promise<CitationOutcome> {
  const total = context.config.citationRounds;
  const literature = context.services.literature;
  let { draft } = start;
  const references = [...start.references];
  const log: string[] = [];
  if (!literature || total === 0)
    return { draft, references, rounds: 0, log: ["no citation rounds: no literature source or citationRounds is 0"] };
  const system = citationSystem(total);
  const call = async <T>(request: Omit<Ask<T>, "system" | "signal">) =>
    ask(context, model, { ...request, system, signal });
  let round = 0;
  for (round = 1; round <= total; round++) {
    try {
      const bib = bibliographyOf(references).bibtex;
      const messages: ChatMessage[] = [
        { role: "user", content: citationFirstPrompt(draft.markdown, bib, round, total) },
      ];
      const first = await call({
        step: `citation round ${round}: query`,
        messages,
        schema: citationQuerySchema,
        schemaName: "citation_query",
      });
      if (first.value.Thought.includes(NO_MORE) || first.text.includes(NO_MORE)) {
        log.push(`round ${round}: ${NO_MORE}`);
        break;
      }
      const query = first.value.Query.trim();
      if (!query) {
        log.push(`round ${round}: no query`);
        continue;
      }
      const papers = await literature.search(query, { limit: 10, signal });
      if (papers.length === 0) {
        log.push(`round ${round}: "${query}" found no papers`);
        continue;
      }
      messages.push(
        { role: "assistant", content: first.text },
        { role: "user", content: citationSecondPrompt(papers) },
      );
      const second = await call({
        step: `citation round ${round}: selection`,
        messages,
        schema: citationSelectSchema,
        schemaName: "citation_select",
      });
      if (second.value.Thought.includes(ADD_NONE)) {
        log.push(`round ${round}: none of "${query}" added`);
        continue;
      }
      const picked = parseSelected(second.value.Selected, papers.length);
      if (!picked || picked.length === 0) {
        log.push(`round ${round}: selection ${JSON.stringify(second.value.Selected)} added nothing`);
        continue;
      }
      const fresh = picked.map((i) => papers[i]!).filter((p) => !references.some((r) => r.id === p.id));
      if (fresh.length === 0) {
        log.push(`round ${round}: the selected papers are already cited`);
        continue;
      }
      references.push(...fresh.map(asReference));
      const keys = bibliographyOf(references).keys;
      const bibtex = fresh.map((p) => toBibtex(p, keys.get(p.id)!)).join("\n");
      const edit = await call({
        step: `citation round ${round}: edit`,
        messages: [{ role: "user", content: citationEditPrompt(bibtex, second.value.Description, draft.markdown) }],
        schema: citationEditSchema,
        schemaName: "citation_edit",
      });
      const result = applyMarkdownEdits(draft, edit.value.edits);
      draft = result.draft;
      log.push(
        `round ${round}: added ${fresh.map((p) => keys.get(p.id)).join(", ")}${result.problems ? " (some edits did not apply)" : ""}`,
      );
    } catch (error) {
      if (isBudgetExhausted(error) || signal.aborted) throw error;
      // As the seed: a round whose reply or search failed adds nothing, and the next round goes on.
      log.push(`round ${round}: skipped: ${(error as Error).message}`);
    }
  }
  return { draft: { ...draft, references }, references, rounds: Math.min(round, total), log };
}
