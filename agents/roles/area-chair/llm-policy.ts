// The seed's meta-review (perform_review.py get_meta_review): the area chair reads the NeurIPS form and every review
// and writes one review in the same form. Ours also shows it the paper as written (capped like the reviewers') and
// the facts the swarm measured (provenance of the claims, the idea's effects), so the consensus is checked against
// the paper, not only the title (issue 12 part 6). As in the seed, the numbers are not the model's: the scores are
// the panel's rounded means and the decision the threshold's (and no Accept with unsupported claims), in code.
import { fromPromise } from "xstate";
import { z } from "zod";
import { reviewSchema } from "../../../bus/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import { factsPrompt, neuripsForm } from "../reviewer/index.ts";
import { paperFacts, readPaperText } from "../reviewer/index.ts";
import { ask, modelFor } from "../shared/llm-kit.ts";
import type { AreaChairConfig } from "./config.ts";
import { panelDecision, provenanceLine, type FailedSeat, type SeatReview } from "./decide.ts";
import type { PanelInput } from "./machine.ts";

const metaReplySchema = z.object({ thought: z.string(), review: reviewSchema }).strict();

/** The seed's meta_reviewer_system_prompt, verbatim. */
export function metaReviewSystem(reviewers: number): string {
  return `You are an Area Chair at a machine learning conference.
You are in charge of meta-reviewing a paper that was reviewed by ${reviewers} reviewers.
Your job is to aggregate the reviews into a single meta-review in the same format.
Be critical and cautious in your decision, find consensus, and respect the opinion of all the reviewers.`;
}

/**
 * The seed's base prompt (the form, then "Review i/n" blocks), with the paper and its measured facts before the
 * reviews.
 */
export function metaReviewPrompt(
  paperText: string,
  facts: string | null,
  reviews: SeatReview[],
  failed: FailedSeat[],
): string {
  let prompt = `${neuripsForm}
Here is the paper the reviewers reviewed:
\`\`\`
${paperText}
\`\`\`
`;
  if (facts) prompt += factsPrompt(facts);
  if (failed.length)
    prompt += `\n${failed.length} more reviewer seat(s) could not review this paper; the meta-review rests on the ${reviews.length} reviews below.\n`;
  reviews.forEach((r, i) => {
    prompt += `
Review ${i + 1}/${reviews.length}:
\`\`\`
${JSON.stringify(r.review)}
\`\`\`
`;
  });
  return prompt;
}

export function areaChairLlmPolicy(context: RoleContext<AreaChairConfig>) {
  return {
    metaReview: fromPromise<string, PanelInput>(async ({ input, signal }) => {
      const { threshold, maxPaperChars } = context.config;
      const paper = await readPaperText(context.services.artifacts, input.paper, maxPaperChars, context.logger);
      const model = modelFor(context, input.paper.ideaId);
      const { value } = await ask(context, model, {
        step: "meta-review",
        system: metaReviewSystem(input.reviews.length),
        messages: [
          { role: "user", content: metaReviewPrompt(paper.text, paperFacts(input.paper), input.reviews, input.failed) },
        ],
        schema: metaReplySchema,
        schemaName: "meta_review",
        signal,
      });
      const { overall, decision, overruled } = panelDecision(input.paper, input.reviews, threshold);
      const r = value.review;
      return [
        `Meta-review of "${input.paper.title}" by the area chair (model ${model.model}) over ${input.reviews.length} reviews.`,
        ...(input.failed.length
          ? [`Seats that could not review: ${input.failed.map((f) => `seat ${f.seat} (${f.reason})`).join("; ")}.`]
          : []),
        r.Summary,
        `Strengths: ${r.Strengths.join(" ")}`,
        `Weaknesses: ${r.Weaknesses.join(" ")}`,
        ...provenanceLine(input.paper),
        `Panel scores are rounded means: Overall ${overall} against a threshold of ${threshold}: ${decision}.`,
        ...(overruled ? [`Overruled: ${overruled}`] : []),
      ].join("\n");
    }),
  };
}
