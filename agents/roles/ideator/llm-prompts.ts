// The seed's ideation prompts (generate_ideas.py), kept in their structure: the task and the code, the ideas already
// tried, the idea JSON fields, then reflection rounds where "I am done" ends early. Our one addition is the archive's
// outcome of each earlier idea (the open-ended loop of the seed's experimental/ folder): novelty verdict and score.
import { z } from "zod";
import { ideaSchema, type ArchiveEntry, type Idea } from "../../../bus/index.ts";
import type { TemplateInfo } from "../../runtime/index.ts";

export const ideaReplySchema = z
  .object({
    thought: z
      .string()
      .describe("THOUGHT: intuitions, plan, why it differs from existing ideas; 'I am done' when finished"),
    idea: ideaSchema.describe("NEW IDEA JSON"),
  })
  .strict();
export type IdeaReply = z.infer<typeof ideaReplySchema>;

/** Earlier ideas as the seed shows them (their JSON), with what became of each. */
export function previousIdeas(template: TemplateInfo, archive: ArchiveEntry[], fresh: IdeaReply["idea"][]): string {
  const shown = [
    ...template.seedIdeas.map((idea) => ({ ...idea })),
    ...[...archive]
      .sort((a, b) => a.ideaId.localeCompare(b.ideaId))
      .map((e) => ({
        ...e.idea,
        Outcome:
          e.status === "decided"
            ? `paper ${e.decision} with Overall ${e.overall}/10`
            : e.status === "not-novel"
              ? `not novel: ${e.reason ?? ""}`
              : e.status,
      })),
    ...fresh,
  ];
  return shown.map((idea) => JSON.stringify(idea)).join("\n\n");
}

export function firstPrompt(template: TemplateInfo, previous: string, reflections: number): string {
  return `${template.prompt.task_description}
<experiment.py>
${template.files["experiment.py"] ?? ""}
</experiment.py>

Here are the ideas that you have already generated (with the outcome of each where it is known: papers that scored well are worth building on, ideas judged not novel are not):

'''
${previous}
'''

Come up with the next impactful and creative idea for research experiments and directions you can feasibly investigate with the code provided.
Note that you will not have access to any additional resources or datasets.
Make sure any idea is not overfit the specific training dataset or model, and has wider significance.

Respond with a JSON object with two fields, "thought" and "idea".

In "thought", first briefly discuss your intuitions and motivations for the idea. Detail your high-level plan, necessary design choices and ideal outcomes of the experiments. Justify how the idea is different from the existing ones.

In "idea", provide the new idea with the following fields:
- "Name": A shortened descriptor of the idea. Lowercase, no spaces, underscores allowed.
- "Title": A title for the idea, will be used for the report writing.
- "Experiment": An outline of the implementation. E.g. which functions need to be added or modified, how results will be obtained, ...
- "Interestingness": A rating from 1 to 10 (lowest to highest).
- "Feasibility": A rating from 1 to 10 (lowest to highest).
- "Novelty": A rating from 1 to 10 (lowest to highest).

Be cautious and realistic on your ratings.
This JSON will be automatically parsed, so ensure the format is precise.
You will have ${reflections} rounds to iterate on the idea, but do not need to use them all.`;
}

export function reflectionPrompt(round: number, reflections: number): string {
  return `Round ${round}/${reflections}.
In your thoughts, first carefully consider the quality, novelty, and feasibility of the idea you just created.
Include any other factors that you think are important in evaluating the idea.
Ensure the idea is clear and concise, and the JSON is the correct format.
Do not make things overly complicated.
In the next attempt, try and refine and improve your idea.
Stick to the spirit of the original idea unless there are glaring issues.

Respond in the same format as before: "thought", then "idea".

If there is nothing to improve, simply repeat the previous idea EXACTLY and include "I am done" at the end of the thought.
ONLY INCLUDE "I am done" IF YOU ARE MAKING NO MORE CHANGES.`;
}

export const DONE = "I am done";

/** The operator's steering (control.constrained, control.promoted) as the end of the first prompt; "" when none. */
export function operatorDirections(constraints: readonly string[], promoted: Idea | null): string {
  const parts: string[] = [];
  if (constraints.length > 0) {
    parts.push(
      `The researcher supervising this run requires every new idea to respect these constraints:\n${constraints.map((c) => `- ${c}`).join("\n")}`,
    );
  }
  if (promoted)
    parts.push(
      `The researcher asks you to extend this earlier idea next (build directly on it):\n${JSON.stringify(promoted)}`,
    );
  return parts.length > 0 ? `\n\n${parts.join("\n\n")}` : "";
}
