// The llm policy's LaTeX fix, after the seed's generate_latex: the model sees chktex's warnings (the seed's
// filter), the TeX error from the compile log and the whole paper.tex, and answers with SEARCH/REPLACE edit blocks
// on paper.tex (as the seed's aider coder does), never a whole new file under the output cap. The results table
// stays the code's: the fixed file is checked again (numbers, figures, claims) before it is compiled.
import { fromPromise } from "xstate";
import { z } from "zod";
import type { ChatMessage } from "../../llm/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import { applyEditBlocks, failureReport, parseEditBlocks } from "../shared/edit-blocks.ts";
import { ask, modelFor } from "../shared/llm-kit.ts";
import type { WriterConfig } from "./config.ts";
import { TEX_TABLE_BEGIN, TEX_TABLE_END } from "./latex-table.ts";
import type { FixInput } from "./machine.ts";

const latexSystem =
  "You are an ambitious AI PhD student preparing your paper for submission to a top machine learning venue. " +
  "You fix LaTeX errors with minimal edits and never change results, figures or citations.";

export const latexFixReplySchema = z
  .object({
    thought: z.string(),
    edits: z.string().describe("SEARCH/REPLACE blocks on paper.tex, each preceded by the line paper.tex"),
  })
  .strict();

const MAX_CHKTEX = 3000;

export function latexFixPrompt(input: FixInput, chktex: string): string {
  const refused = input.refusals.length
    ? `\nEarlier fixes were refused:\n${input.refusals.map((r) => `- ${r}`).join("\n")}\n`
    : "";
  const warnings = chktex.trim()
    ? `Please fix the following LaTeX errors in \`paper.tex\` guided by the output of \`chktek\`:\n${chktex.slice(0, MAX_CHKTEX)}.\n\n`
    : "";
  return `The paper's LaTeX failed to compile (fix round ${input.round}: ${input.reason}). The end of the compile log:

\`\`\`
${input.log}
\`\`\`
${refused}
${warnings}Make the minimal fix required and do not remove or change any packages.
Pay attention to any accidental uses of HTML syntax, e.g. </end instead of \\end.
Keep the results table between "${TEX_TABLE_BEGIN}" and "${TEX_TABLE_END}" exactly as it is: its numbers are checked against the run artifacts.
Do not add results, datasets, figures or citations: the fixed file is checked against the run artifacts before it is compiled.

paper.tex:

\`\`\`latex
${input.tex}
\`\`\`

Reply with SEARCH/REPLACE blocks on paper.tex:
paper.tex
<<<<<<< SEARCH
exact lines of paper.tex
=======
the lines to put instead
>>>>>>> REPLACE`;
}

/** The fixed paper.tex: the blocks that applied; blocks that did not match are shown to the model once more. */
export function llmLatexFix(context: RoleContext<WriterConfig>) {
  return fromPromise<string | null, FixInput>(async ({ input, signal }) => {
    const model = modelFor(context, input.study.ideaId);
    let chktex = "";
    if (input.chktexArtifact) {
      // No chktex.log: the TeX log alone goes to the model; a bus fault propagates (retried), it is not "no log".
      chktex = await context.services.artifacts.getTextOr(input.chktexArtifact, "");
    }
    const messages: ChatMessage[] = [{ role: "user", content: latexFixPrompt(input, chktex) }];
    let tex = input.tex;
    for (let turn = 1; turn <= 2; turn++) {
      const reply = await ask(context, model, {
        step: `fixing LaTeX (round ${input.round})`,
        system: latexSystem,
        messages,
        schema: latexFixReplySchema,
        schemaName: "latex_fix",
        signal,
      });
      let result;
      try {
        result = applyEditBlocks({ "paper.tex": tex }, parseEditBlocks(reply.value.edits), ["paper.tex"]);
      } catch (error) {
        result = {
          files: { "paper.tex": tex },
          applied: [],
          failed: [{ block: { file: "paper.tex", search: "", replace: "" }, reason: (error as Error).message }],
        };
      }
      tex = result.files["paper.tex"]!;
      if (result.failed.length === 0) break;
      messages.push(
        { role: "assistant", content: reply.text },
        { role: "user", content: failureReport(result.failed, result.applied.length) },
      );
    }
    return tex;
  });
}
