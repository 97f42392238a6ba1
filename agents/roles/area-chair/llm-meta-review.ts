// The seed's meta-review (perform_review.py get_meta_review): the area chair reads every review and writes one in
// the same form. As in the seed, the numbers are not the model's: scores are the panel's rounded means and the
// decision is the threshold's, both computed in code (decide.ts); the model contributes the consensus text.
import { fromPromise } from "xstate";
import { z } from "zod";
import { reviewSchema, type Payload } from "../../../bus/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import { reviewerSystem, templateInstructions } from "../reviewer/llm-prompts.ts";
import { ask, modelFor } from "../shared/llm-kit.ts";
import type { AreaChairConfig } from "./config.ts";
import { aggregate, type SeatReview } from "./decide.ts";

type Drafted = Payload<"paper.drafted">;

const metaReplySchema = z.object({ thought: z.string(), review: reviewSchema }).strict();

export function metaReviewSystem(reviewers: number): string {
  return (
    `${reviewerSystem}\nYou are an Area Chair at a machine learning conference. You are in charge of meta-reviewing a paper that was reviewed by ${reviewers} reviewers. ` +
    "Your job is to aggregate the reviews into a single meta-review in the same format. Be critical and cautious in your decision, find consensus, and respect the opinion of all the reviewers."
  );
}

export function metaReviewPrompt(title: string, reviews: SeatReview[]): string {
  const shown = reviews.map((r, i) => `Review ${i + 1}/${reviews.length}:\n\`\`\`\n${JSON.stringify(r.review)}\n\`\`\``).join("\n");
  return `Paper: "${title}"\n\n${shown}\n\n${templateInstructions}`;
}

export function areaChairLlmPolicy(context: RoleContext<AreaChairConfig>) {
  return {
    metaReview: fromPromise<string, { paper: Drafted; reviews: SeatReview[] }>(async ({ input, signal }) => {
      const model = modelFor(context, input.paper.ideaId);
      const { value } = await ask(context, model, {
        step: "meta-review",
        system: metaReviewSystem(input.reviews.length),
        messages: [{ role: "user", content: metaReviewPrompt(input.paper.title, input.reviews) }],
        schema: metaReplySchema,
        schemaName: "meta_review",
        signal,
      });
      const { overall, decision } = aggregate(input.reviews, context.config.threshold);
      const r = value.review;
      return [
        `Meta-review of "${input.paper.title}" by the area chair (model ${model.model}) over ${input.reviews.length} reviews.`,
        r.Summary,
        `Strengths: ${r.Strengths.join(" ")}`,
        `Weaknesses: ${r.Weaknesses.join(" ")}`,
        `Panel scores are rounded means: Overall ${overall} against a threshold of ${context.config.threshold}: ${decision}.`,
      ].join("\n");
    }),
  };
}
