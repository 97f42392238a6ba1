// The seed's reviewer (SakanaAI/AI-Scientist ai_scientist/perform_review.py), ported: the critical reviewer system
// prompt (reviewer_system_prompt_neg), the full NeurIPS review form followed by the template instructions
// (neurips_form), the few-shot reviews (get_review_fewshot_examples), the paper, and the reflection prompt
// (reviewer_reflection_prompt, "I am done" ends early). Two adaptations, both marked: replies are structured output
// validated by zod ({ thought, review }) instead of the seed's "THOUGHT:" / "REVIEW JSON:" markers; and each seat
// also reads its persona's focus (one line) and the facts the swarm measured about the paper (provenance of its
// claims, the idea's effects), which the seed did not have.
import { z } from "zod";
import { reviewSchema } from "../../../bus/index.ts";
import type { FewShotExample } from "./fewshot.ts";

export const reviewReplySchema = z.object({ thought: z.string(), review: reviewSchema }).strict();
export type ReviewReply = z.infer<typeof reviewReplySchema>;

// The seed concatenates these Python strings without a space ("venue.Be critical"); the space is ours.
export const reviewerSystemPromptBase =
  "You are an AI researcher who is reviewing a paper that was submitted to a prestigious ML venue. " +
  "Be critical and cautious in your decision.";

/** The seed's default reviewer prompt (perform_review's reviewer_system_prompt = reviewer_system_prompt_neg). */
export const reviewerSystemPromptNeg = `${reviewerSystemPromptBase} If a paper is bad or you are unsure, give it bad scores and reject it.`;

// Adapted: the reply format (structured output replaces the THOUGHT / REVIEW JSON markers); the rest is verbatim.
export const templateInstructions = `
Respond with a JSON object with two fields, "thought" and "review".

In "thought", first briefly discuss your intuitions and reasoning for the evaluation.
Detail your high-level arguments, necessary choices and desired outcomes of the review.
Do not make generic comments here, but be specific to your current paper.
Treat this as the note-taking phase of your review.

In "review", provide the review in JSON format with the following fields in the order:
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
This JSON will be automatically parsed, so ensure the format is precise.
`;

/** The seed's neurips_form, verbatim, followed (as in the seed) by the template instructions. */
export const neuripsForm =
  `
## Review Form
Below is a description of the questions you will be asked on the review form for each paper and some guidelines on what to consider when answering these questions.
When writing your review, please keep in mind that after decisions have been made, reviews and meta-reviews of accepted papers and opted-in rejected papers will be made public.

1. Summary: Briefly summarize the paper and its contributions. This is not the place to critique the paper; the authors should generally agree with a well-written summary.
  - Strengths and Weaknesses: Please provide a thorough assessment of the strengths and weaknesses of the paper, touching on each of the following dimensions:
  - Originality: Are the tasks or methods new? Is the work a novel combination of well-known techniques? (This can be valuable!) Is it clear how this work differs from previous contributions? Is related work adequately cited
  - Quality: Is the submission technically sound? Are claims well supported (e.g., by theoretical analysis or experimental results)? Are the methods used appropriate? Is this a complete piece of work or work in progress? Are the authors careful and honest about evaluating both the strengths and weaknesses of their work
  - Clarity: Is the submission clearly written? Is it well organized? (If not, please make constructive suggestions for improving its clarity.) Does it adequately inform the reader? (Note that a superbly written paper provides enough information for an expert reader to reproduce its results.)
  - Significance: Are the results important? Are others (researchers or practitioners) likely to use the ideas or build on them? Does the submission address a difficult task in a better way than previous work? Does it advance the state of the art in a demonstrable way? Does it provide unique data, unique conclusions about existing data, or a unique theoretical or experimental approach?

2. Questions: Please list up and carefully describe any questions and suggestions for the authors. Think of the things where a response from the author can change your opinion, clarify a confusion or address a limitation. This can be very important for a productive rebuttal and discussion phase with the authors.

3. Limitations: Have the authors adequately addressed the limitations and potential negative societal impact of their work? If not, please include constructive suggestions for improvement.
In general, authors should be rewarded rather than punished for being up front about the limitations of their work and any potential negative societal impact. You are encouraged to think through whether any critical points are missing and provide these as feedback for the authors.

4. Ethical concerns: If there are ethical issues with this paper, please flag the paper for an ethics review. For guidance on when this is appropriate, please review the NeurIPS ethics guidelines.

5. Soundness: Please assign the paper a numerical rating on the following scale to indicate the soundness of the technical claims, experimental and research methodology and on whether the central claims of the paper are adequately supported with evidence.
  4: excellent
  3: good
  2: fair
  1: poor

6. Presentation: Please assign the paper a numerical rating on the following scale to indicate the quality of the presentation. This should take into account the writing style and clarity, as well as contextualization relative to prior work.
  4: excellent
  3: good
  2: fair
  1: poor

7. Contribution: Please assign the paper a numerical rating on the following scale to indicate the quality of the overall contribution this paper makes to the research area being studied. Are the questions being asked important? Does the paper bring a significant originality of ideas and/or execution? Are the results valuable to share with the broader NeurIPS community.
  4: excellent
  3: good
  2: fair
  1: poor

8. Overall: Please provide an "overall score" for this submission. Choices:
  10: Award quality: Technically flawless paper with groundbreaking impact on one or more areas of AI, with exceptionally strong evaluation, reproducibility, and resources, and no unaddressed ethical considerations.
  9: Very Strong Accept: Technically flawless paper with groundbreaking impact on at least one area of AI and excellent impact on multiple areas of AI, with flawless evaluation, resources, and reproducibility, and no unaddressed ethical considerations.
  8: Strong Accept: Technically strong paper with, with novel ideas, excellent impact on at least one area of AI or high-to-excellent impact on multiple areas of AI, with excellent evaluation, resources, and reproducibility, and no unaddressed ethical considerations.
  7: Accept: Technically solid paper, with high impact on at least one sub-area of AI or moderate-to-high impact on more than one area of AI, with good-to-excellent evaluation, resources, reproducibility, and no unaddressed ethical considerations.
  6: Weak Accept: Technically solid, moderate-to-high impact paper, with no major concerns with respect to evaluation, resources, reproducibility, ethical considerations.
  5: Borderline accept: Technically solid paper where reasons to accept outweigh reasons to reject, e.g., limited evaluation. Please use sparingly.
  4: Borderline reject: Technically solid paper where reasons to reject, e.g., limited evaluation, outweigh reasons to accept, e.g., good evaluation. Please use sparingly.
  3: Reject: For instance, a paper with technical flaws, weak evaluation, inadequate reproducibility and incompletely addressed ethical considerations.
  2: Strong Reject: For instance, a paper with major technical flaws, and/or poor evaluation, limited impact, poor reproducibility and mostly unaddressed ethical considerations.
  1: Very Strong Reject: For instance, a paper with trivial results or unaddressed ethical considerations

9. Confidence:  Please provide a "confidence score" for your assessment of this submission to indicate how confident you are in your evaluation. Choices:
  5: You are absolutely certain about your assessment. You are very familiar with the related work and checked the math/other details carefully.
  4: You are confident in your assessment, but not absolutely certain. It is unlikely, but not impossible, that you did not understand some parts of the submission or that you are unfamiliar with some pieces of related work.
  3: You are fairly confident in your assessment. It is possible that you did not understand some parts of the submission or that you are unfamiliar with some pieces of related work. Math/other details were not carefully checked.
  2: You are willing to defend your assessment, but it is quite likely that you did not understand the central parts of the submission or that you are unfamiliar with some pieces of related work. Math/other details were not carefully checked.
  1: Your assessment is an educated guess. The submission is not in your area or the submission was difficult to understand. Math/other details were not carefully checked.
` + templateInstructions;

/** The seed's get_review_fewshot_examples, over examples already read from the data folder. */
export function fewShotPrompt(examples: FewShotExample[]): string {
  let prompt = `
Below are some sample reviews, copied from previous machine learning conferences.
Note that while each review is formatted differently according to each reviewer's style, the reviews are well-structured and therefore easy to navigate.
`;
  for (const example of examples) {
    prompt += `
Paper:

\`\`\`
${example.paper}
\`\`\`

Review:

\`\`\`
${example.review}
\`\`\`
`;
  }
  return prompt;
}

/** Ours: the facts the swarm measured, which the reviewer must weigh (an unsupported claim is a soundness problem). */
export function factsPrompt(facts: string): string {
  return `
The system that ran this paper's experiments reports the following facts about it. They are measurements, not the authors' claims: weigh them in your review, and treat every claim the provenance check could not trace as a soundness problem.
\`\`\`
${facts}
\`\`\`
`;
}

/** The seed's base prompt: form (+ instructions), few-shot reviews, then the paper; ours in between, marked. */
export function reviewPrompt(
  paper: string,
  options: { focus: string | null; fewShot: FewShotExample[]; facts: string | null },
): string {
  let prompt = neuripsForm;
  if (options.fewShot.length > 0) prompt += fewShotPrompt(options.fewShot);
  if (options.focus) prompt += `\nAs this seat's reviewer, pay particular attention to ${options.focus}.\n`;
  if (options.facts) prompt += factsPrompt(options.facts);
  prompt += `
Here is the paper you are asked to review:
\`\`\`
${paper}
\`\`\``;
  return prompt;
}

// Adapted: the reply format, as in templateInstructions; the rest is the seed's reviewer_reflection_prompt.
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
