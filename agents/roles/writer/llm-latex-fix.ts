// The llm policy's LaTeX fix, after the seed's compile step: the model sees the end of the compile log and the
// whole paper.tex and returns the corrected file. The results table stays the code's: the fixed file is checked
// again (every number against final_info.json) before it is compiled.
import { fromPromise } from "xstate";
import { z } from "zod";
import type { RoleContext } from "../../runtime/index.ts";
import { ask, modelFor } from "../shared/llm-kit.ts";
import type { WriterConfig } from "./config.ts";
import { TEX_TABLE_BEGIN, TEX_TABLE_END } from "./latex-table.ts";
import type { FixInput } from "./machine.ts";

const latexSystem =
  "You are an ambitious AI PhD student preparing your paper for submission to a top machine learning venue. " +
  "You fix LaTeX compile errors with minimal edits and never change results, figures or citations.";

export const latexFixReplySchema = z.object({ tex: z.string().min(1).describe("the whole corrected paper.tex") }).strict();

export function latexFixPrompt(input: FixInput): string {
  return `The paper's LaTeX failed to compile (attempt ${input.round}: ${input.reason}). The end of the compile log:

\`\`\`
${input.log}
\`\`\`

paper.tex:

\`\`\`latex
${input.tex}
\`\`\`

Please fix the LaTeX errors. Make the minimal fix required and do not remove or change any packages.
Keep the results table between "${TEX_TABLE_BEGIN}" and "${TEX_TABLE_END}" exactly as it is: its numbers are checked against the run artifacts.
Reply with the whole corrected file.`;
}

export function llmLatexFix(context: RoleContext<WriterConfig>) {
  return fromPromise<string | null, FixInput>(async ({ input, signal }) => {
    const model = modelFor(context, input.study.ideaId);
    const messages = [{ role: "user" as const, content: latexFixPrompt(input) }];
    const reply = await ask(context, model, { step: `fixing LaTeX (round ${input.round})`, system: latexSystem, messages, schema: latexFixReplySchema, schemaName: "latex_fix", signal });
    return reply.value.tex;
  });
}
