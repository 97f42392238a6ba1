// The llm policy's claim-fix round: the provenance check's unsupported claims (with location and reason) go back to
// the model with the paper; it answers with edits to the offending sentences, and the machine checks the paper
// again (≤ claimFixes rounds). What remains unsupported is recorded in provenance.json.
import { fromPromise } from "xstate";
import { z } from "zod";
import type { ChatMessage } from "../../llm/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import { ask, modelFor } from "../shared/llm-kit.ts";
import type { WriterConfig } from "./config.ts";
import type { ClaimFixInput } from "./machine.ts";
import { applyMarkdownEdits, EDIT_FORMAT, PAPER_FILE } from "./markdown-edits.ts";
import { writerSystem } from "./llm-prompts.ts";
import type { Draft } from "./rules-paper.ts";

export const claimFixReplySchema = z
  .object({
    thought: z.string(),
    edits: z.string().describe(`SEARCH/REPLACE blocks on ${PAPER_FILE}, each preceded by the line ${PAPER_FILE}`),
  })
  .strict();

export function claimFixPrompt(input: ClaimFixInput): string {
  return `Round ${input.round}: every claim of the paper was checked against the run artifacts (final_info.json of each run, the run settings, references.bib).
These claims could not be traced to any of them:

${input.feedback}

Fix each one in ${PAPER_FILE}: replace a number with the recorded value it should be (as printed in the results table, or rounded from it), remove a claim the runs did not measure (datasets, experiments or results that never ran), and cite only works of the reference list by their keys.
Do not change the results table: it is generated from the run artifacts.

${PAPER_FILE}:

\`\`\`markdown
${input.draft.markdown}
\`\`\`

${EDIT_FORMAT}`;
}

export function llmClaimFix(context: RoleContext<WriterConfig>) {
  return fromPromise<Draft | null, ClaimFixInput>(async ({ input, signal }) => {
    const model = modelFor(context, input.study.ideaId);
    const messages: ChatMessage[] = [{ role: "user", content: claimFixPrompt(input) }];
    let draft = input.draft;
    for (let turn = 1; turn <= 2; turn++) {
      const reply = await ask(context, model, {
        step: `fixing unsupported claims (round ${input.round})`,
        system: writerSystem,
        messages,
        schema: claimFixReplySchema,
        schemaName: "claim_fix",
        signal,
      });
      const result = applyMarkdownEdits(draft, reply.value.edits);
      draft = result.draft;
      if (!result.problems) break;
      messages.push({ role: "assistant", content: reply.text }, { role: "user", content: result.problems });
    }
    return draft;
  });
}
