import { fromPromise } from "xstate";
import type { Payload, Review } from "../../../bus/index.ts";
import type { ChatMessage } from "../../llm/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import { ask, modelFor } from "../shared/llm-kit.ts";
import type { ReviewerConfig } from "./config.ts";
import { fewShotFiles, loadFewShot, type FewShotExample } from "./fewshot.ts";
import { reviewerSystemPromptNeg, reviewPrompt, reviewReflectionPrompt, reviewReplySchema } from "./llm-prompts.ts";
import { paperFacts, readPaperText } from "./paper-facts.ts";
import { personas } from "./personas.ts";

type Requested = Payload<"review.requested">;

/**
 * The llm reviewer, as the seed's perform_review: the critical system prompt, the NeurIPS form, `fewShot` example
 * reviews, the paper as written; then reflection rounds up to `reflections` in all, stopping after the first reply
 * that says "I am done".
 */
export function reviewerLlmPolicy(context: RoleContext<ReviewerConfig>) {
  const { reflections, maxPaperChars } = context.config;
  const fewShot = context.config.fewShot ?? (context.swarm.data.iclr2022 ? 1 : 0);
  if (context.config.fewShot === undefined && fewShot === 0) {
    context.logger.warn(
      "no ICLR 2022 data configured (data.iclr2022 / SCIENTIST_ICLR2022): reviewing without few-shot examples (the seed shows 1)",
    );
  }
  // Checked when the policy is built (the role's boot): a missing few-shot folder fails before any paper waits.
  fewShotFiles(context.swarm.data.iclr2022, fewShot);
  let examples: Promise<FewShotExample[]> | null = null;
  const fewShotExamples = () => {
    examples ??= loadFewShot(context.swarm.data.iclr2022, fewShot).catch((error: unknown) => {
      examples = null; // a transient read error must not stick for every later paper
      throw error;
    });
    return examples;
  };
  return {
    review: fromPromise<Review, Requested>(async ({ input, signal }) => {
      const [paper, shots] = await Promise.all([
        readPaperText(context.services.artifacts, input.paper, maxPaperChars, context.logger),
        fewShotExamples(),
      ]);
      const focus = personas.find((p) => p.name === input.persona)?.focus ?? null;
      const model = modelFor(context, input.ideaId);
      const messages: ChatMessage[] = [
        { role: "user", content: reviewPrompt(paper.text, { focus, fewShot: shots, facts: paperFacts(input.paper) }) },
      ];
      const call = (step: string) =>
        ask(context, model, {
          step,
          system: reviewerSystemPromptNeg,
          messages,
          schema: reviewReplySchema,
          schemaName: "review",
          signal,
        });
      let reply = await call("reviewing");
      for (let round = 2; round <= reflections; round++) {
        messages.push(
          { role: "assistant", content: reply.text },
          { role: "user", content: reviewReflectionPrompt(round, reflections) },
        );
        reply = await call(`review reflection ${round}`);
        if (reply.value.thought.includes("I am done")) break;
      }
      return reply.value.review;
    }),
  };
}
