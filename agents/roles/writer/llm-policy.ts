import { fromPromise } from "xstate";
import type { z } from "zod";
import type { Payload } from "../../../bus/index.ts";
import type { ChatMessage } from "../../llm/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import { ask, modelFor } from "../shared/llm-kit.ts";
import { bibliographyOf } from "./bibliography.ts";
import type { WriterConfig } from "./config.ts";
import { citationRounds } from "./llm-citations.ts";
import { llmClaimFix } from "./llm-claim-fix.ts";
import {
  contextBlock,
  refinementPrompt,
  sectionPrompt,
  SECTIONS,
  sectionReplySchema,
  titlePrompt,
  titleReplySchema,
  writerSystem,
  type Section,
} from "./llm-prompts.ts";
import { resultsTable, TABLE_BEGIN, TABLE_END } from "./number-check.ts";
import type { Draft, Reference } from "./rules-paper.ts";
import { llmLatexFix } from "./llm-latex-fix.ts";

type Study = Payload<"study.completed">;

/** The model's prose may not carry table markers: the one results table is the code's, and the check reads it. */
const clean = (text: string) => text.split(TABLE_BEGIN).join("").split(TABLE_END).join("").trim();

/**
 * Works the paper starts from: the novelty check's evidence (a literature answer), deduplicated; citation rounds add
 * more.
 */
function startingReferences(context: RoleContext<WriterConfig>, study: Study): Reference[] {
  const refs: Reference[] = [];
  for (const e of study.evidence) {
    if (e.source === "archive" || refs.some((r) => r.id === e.id) || refs.length >= context.config.relatedWork)
      continue;
    refs.push({ id: e.id, title: e.title, authors: e.authors ?? [], venue: e.venue, year: e.year, source: e.source });
  }
  return refs;
}

/** "[@key] Title, venue year." for each work, keys as references.bib has them. */
function referenceList(refs: Reference[]): string {
  const { keys } = bibliographyOf(refs);
  return refs
    .map((r) => `[@${keys.get(r.id)}] ${r.title}${r.venue ? `, ${r.venue}` : ""}${r.year ? ` ${r.year}` : ""}.`)
    .join("\n");
}

/**
 * The llm writer: title and abstract, then each section in the seed's order, each written and then refined in a
 * two-turn exchange that shows the paper so far; the results table and the figure list come from code; then the
 * seed's citation rounds over the whole draft.
 */
export function writerLlmPolicy(context: RoleContext<WriterConfig>) {
  const { artifacts } = context.services;
  return {
    writePaper: fromPromise<Draft, Study>(async ({ input: study, signal }) => {
      const model = modelFor(context, study.ideaId);
      const table = resultsTable(study);
      const figures = Object.keys(study.plots);
      // "" when the coder wrote no notes of its own; a bus fault is not "no notes" (it propagates, retried).
      const coderNotes = await artifacts.getTextOr(`${study.ideaId}/coder/notes.txt`, "");
      const notes = [study.notes, coderNotes].filter(Boolean).join("\n\n");
      const refs = startingReferences(context, study);
      const citations = referenceList(refs);
      const parts: string[] = [];
      const frame = () =>
        contextBlock({
          title: study.idea.Title,
          idea: study.idea.Experiment,
          notes,
          table,
          figures,
          paperSoFar: parts.join("\n\n"),
        });

      async function writeAndRefine<T>(
        section: Section,
        prompt: string,
        schema: z.ZodType<T>,
        name: string,
      ): Promise<T> {
        const messages: ChatMessage[] = [{ role: "user", content: `${frame()}\n\n${prompt}` }];
        const first = await ask(context, model, {
          step: `writing ${section}`,
          system: writerSystem,
          messages,
          schema,
          schemaName: name,
          signal,
        });
        messages.push({ role: "assistant", content: first.text }, { role: "user", content: refinementPrompt(section) });
        return (
          await ask(context, model, {
            step: `refining ${section}`,
            system: writerSystem,
            messages,
            schema,
            schemaName: name,
            signal,
          })
        ).value;
      }

      const head = await writeAndRefine("Abstract", titlePrompt(), titleReplySchema, "title_abstract");
      const title = clean(head.title).replace(/\n+/g, " ");
      const abstract = clean(head.abstract).replace(/\n+/g, " ");
      parts.push(
        `# ${title}`,
        `> Written by scientist-swarm's llm policies (model ${model.model}). Every number in the results table is read from the run artifacts and checked.`,
        `**Abstract.** ${abstract}`,
      );
      let number = 1;
      for (const section of SECTIONS) {
        if (section === "Conclusion") {
          // Related Work sits before the Conclusion, as in the seed's template.
          const related = await writeAndRefine(
            "Related Work",
            sectionPrompt("Related Work", citations),
            sectionReplySchema,
            "section",
          );
          parts.push(`## ${number++} Related Work`, clean(related.text));
        }
        const reply = await writeAndRefine(
          section,
          sectionPrompt(section, section === "Results" ? "" : citations),
          sectionReplySchema,
          "section",
        );
        parts.push(`## ${number++} ${section}`, clean(reply.text));
        if (section === "Results") {
          parts.push(
            table,
            ...(figures.length
              ? figures.map((f) => `![${f.replace(/\.[a-z]+$/i, "")}](${f})`)
              : ["No figures: the plot step produced none."]),
          );
        }
      }
      const draft: Draft = { title, abstract, markdown: `${parts.join("\n\n")}\n`, references: refs };
      const cited = await citationRounds(context, model, { draft, references: refs }, signal);
      const references = cited.references;
      const list = references.length ? `\n## References\n\n${referenceList(references)}\n` : "";
      return { ...cited.draft, markdown: `${cited.draft.markdown.trimEnd()}\n${list}`, references };
    }),
    fixClaims: llmClaimFix(context),
    fixLatex: llmLatexFix(context),
  };
}
