// The seed's reviewer (perform_review.py): the critical reviewer system prompt, the NeurIPS review form, one
// few-shot example, the paper, then reflection rounds where "I am done" ends early. The panel's diversity comes from
// sampling temperature and from each seat's persona focus (one line), which also works where a provider cannot
// send a temperature (Anthropic SDK 1.x).
import { z } from "zod";
import { reviewSchema, type Review } from "../../../bus/index.ts";

export const reviewReplySchema = z.object({ thought: z.string(), review: reviewSchema }).strict();
export type ReviewReply = z.infer<typeof reviewReplySchema>;

export const reviewerSystem =
  "You are an AI researcher who is reviewing a paper that was submitted to a prestigious ML venue. " +
  "Be critical and cautious in your decision. If a paper is bad or you are unsure, give it bad scores and reject it.";

export const templateInstructions = `Respond with a JSON object with two fields, "thought" and "review".

In "thought", first briefly discuss your intuitions and reasoning for the evaluation.
Detail your high-level arguments, necessary choices and desired outcomes of the review.
Do not make generic comments here, but be specific to your current paper.
Treat this as the note-taking phase of your review.

In "review", provide the review with the following fields in the order:
- "Summary": A summary of the paper content and its contributions.
- "Strengths": A list of strengths of the paper.
- "Weaknesses": A list of weaknesses of the paper.
- "Originality": A rating from 1 to 4 (low, medium, high, very high).
- "Quality": A rating from 1 to 4 (low, medium, high, very high).
- "Clarity": A rating from 1 to 4 (low, medium, high, very high).
- "Significance": A rating from 1 to 4 (low, medium, high, very high).
- "Questions": A set of clarifying questions to be answered by the paper authors.
- "Limitations": A set of limitations and potential negative societal impacts of the work.
- "Ethical Concerns": A boolean value indicating whether there are ethical concerns.
- "Soundness": A rating from 1 to 4 (poor, fair, good, excellent).
- "Presentation": A rating from 1 to 4 (poor, fair, good, excellent).
- "Contribution": A rating from 1 to 4 (poor, fair, good, excellent).
- "Overall": A rating from 1 to 10 (very strong reject to award quality).
- "Confidence": A rating from 1 to 5 (low, medium, high, very high, absolute).
- "Decision": A decision that has to be one of the following: Accept, Reject.

For the "Decision" field, don't use Weak Accept, Borderline Accept, Borderline Reject, or Strong Reject. Instead, only use Accept or Reject.
This JSON will be automatically parsed, so ensure the format is precise.`;

/** The NeurIPS reviewer guidelines the seed's form quotes, condensed to the parts that set the scales. */
export const neuripsForm = `## Review Form
Below is a description of the questions you will be asked on the review form for each paper and some guidelines on what to consider when answering these questions.
When writing your review, please keep in mind that after decisions have been made, reviews and meta-reviews of accepted papers and opted-in rejected papers will be made public.

1. Summary: Briefly summarize the paper and its contributions. This is not the place to critique the paper; the authors should generally agree with a well-written summary.
2. Strengths and Weaknesses: assess the paper along originality (are the tasks or methods new; is it clear how this work differs from previous contributions; is related work adequately cited), quality (is the submission technically sound; are claims well supported by theoretical analysis or experimental results; are the methods used appropriate; is this a complete piece of work), clarity (is the submission clearly written and well organized; does it adequately inform the reader) and significance (are the results important; are others likely to use the ideas or build on them; does it advance the state of the art in a demonstrable way).
3. Questions: list and carefully describe any questions and suggestions for the authors; responses can change your opinion.
4. Limitations: have the authors adequately addressed the limitations and potential negative societal impact of their work?
5. Ethical concerns: flag the paper for an ethics review if needed.
6. Soundness, Presentation, Contribution: 4 excellent, 3 good, 2 fair, 1 poor.
7. Overall: 10 award quality; 9 very strong accept; 8 strong accept; 7 accept; 6 weak accept; 5 borderline accept; 4 borderline reject; 3 reject; 2 strong reject; 1 very strong reject.
8. Confidence: 5 absolutely certain; 4 confident but not absolutely certain; 3 fairly confident; 2 willing to defend the assessment but it is quite likely that you did not understand central parts; 1 an educated guess.`;

/** One worked example, as the seed shows one few-shot paper with its review. */
export const fewShotExample: { paper: string; review: Review } = {
  paper: `# Warmup Length Barely Matters for Small Transformers on Character-Level Text
**Abstract.** We vary the learning-rate warmup of a 6-layer character-level transformer from 0 to 2,000 steps on three corpora with three seeds each. Validation loss changes by at most 0.004 nats, within the seed spread (0.006). We conclude that for models of this size warmup length is not a sensitive hyperparameter.
## Results
| dataset | metric | run_0 (baseline) | run_1 | run_2 |
|---|---|---:|---:|---:|
| shakespeare | val_loss | 1.471 | 1.468 | 1.474 |
| enwik8 | val_loss | 1.012 | 1.010 | 1.015 |`,
  review: {
    Summary: "The paper sweeps learning-rate warmup for a small character-level transformer on three corpora and finds that validation loss varies less than the seed spread.",
    Strengths: ["A clean, fully reported sweep with baselines and seeds.", "The negative result is stated honestly with its spread."],
    Weaknesses: ["Only one model size, so the claim about 'models of this size' is not tested.", "Three seeds are too few to bound effects of this magnitude.", "No analysis of why warmup does not matter (e.g. gradient norms early in training)."],
    Originality: 2,
    Quality: 2,
    Clarity: 3,
    Significance: 1,
    Questions: ["How do results change at larger batch sizes where warmup is usually needed?", "What is the early-training loss curve with and without warmup?"],
    Limitations: ["A single architecture and size.", "Small corpora."],
    "Ethical Concerns": false,
    Soundness: 2,
    Presentation: 3,
    Contribution: 1,
    Overall: 3,
    Confidence: 4,
    Decision: "Reject",
  },
};

export function reviewPrompt(paper: string, focus: string | null, fewShot: number): string {
  const example =
    fewShot > 0
      ? `\n\nBelow is a sample review, copied from a previous machine learning conference:\n\`\`\`\nPaper:\n${fewShotExample.paper}\n\nReview:\n${JSON.stringify(fewShotExample.review)}\n\`\`\`\n`
      : "";
  return `${neuripsForm}${example}

${templateInstructions}
${focus ? `\nAs this seat's reviewer, pay particular attention to ${focus}.\n` : ""}
Here is the paper you are asked to review:
\`\`\`
${paper}
\`\`\``;
}

export function reviewReflectionPrompt(round: number, reflections: number): string {
  return `Round ${round}/${reflections}.
In your thoughts, first carefully consider the accuracy and soundness of the review you just created.
Include any other factors that you think are important in evaluating the paper.
Ensure the review is clear and concise, and the JSON is in the correct format.
Do not make things overly complicated.
In the next attempt, try and refine and improve your review.
Stick to the spirit of the original review unless there are glaring issues.

Respond in the same format as before: "thought", then "review".

If there is nothing to improve, simply repeat the previous review EXACTLY and include "I am done" at the end of the thought.
ONLY INCLUDE "I am done" IF YOU ARE MAKING NO MORE CHANGES.`;
}
