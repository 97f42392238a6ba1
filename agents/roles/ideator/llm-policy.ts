import { fromPromise } from "xstate";
import type { ChatMessage } from "../../llm/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import { ask, isBudgetExhausted, modelFor } from "../shared/llm-kit.ts";
import type { IdeatorConfig } from "./config.ts";
import {
  DONE,
  firstPrompt,
  operatorDirections,
  ideaReplySchema,
  previousIdeas,
  reflectionPrompt,
  type IdeaReply,
} from "./llm-prompts.ts";
import type { Proposal, ProposeInput } from "./types.ts";

/** A Name usable in ids and folder names, whatever the model wrote. */
export function slug(name: string): string {
  return (
    name
      .toLowerCase()
      .replace(/[^a-z0-9_]+/g, "_")
      .replace(/^_+|_+$/g, "")
      .slice(0, 60) || "idea"
  );
}

/**
 * One idea as the seed makes it: a first proposal, then up to `reflections - 1` refinements; "I am done" ends early.
 */
export async function generateIdea(
  context: RoleContext<IdeatorConfig>,
  previous: string,
  signal?: AbortSignal,
  directions = "",
): Promise<IdeaReply> {
  const { template } = context.services;
  const model = modelFor(context, null);
  const reflections = context.config.reflections;
  const messages: ChatMessage[] = [
    { role: "user", content: firstPrompt(template, previous, reflections) + directions },
  ];
  let reply = (
    await ask(context, model, {
      step: "idea generation",
      system: template.prompt.system,
      messages,
      schema: ideaReplySchema,
      schemaName: "idea",
      ...(signal && { signal }),
    })
  ).value;
  for (let round = 2; round <= reflections && !reply.thought.includes(DONE); round++) {
    messages.push(
      { role: "assistant", content: JSON.stringify(reply) },
      { role: "user", content: reflectionPrompt(round, reflections) },
    );
    const refined = await ask(context, model, {
      step: `idea reflection ${round}`,
      system: template.prompt.system,
      messages,
      schema: ideaReplySchema,
      schemaName: "idea",
      ...(signal && { signal }),
    });
    reply = refined.value;
  }
  return reply;
}

/**
 * The llm ideator: each idea is conditioned on the template, its seed ideas and the archive with every earlier
 * idea's outcome. Ideas carry no parameter settings (`params` is empty): what to change is the coder's to implement.
 */
export function ideatorLlmPolicy(context: RoleContext<IdeatorConfig>) {
  return {
    proposeIdeas: fromPromise<Proposal[], ProposeInput>(async ({ input, signal }) => {
      const replayOf = context.services.llm?.replayOf ?? null;
      // A replay must see the archive as the recorded run saw it: its own entries and those of earlier runs. Run ids
      // begin with their start minute, so "earlier" is a string comparison (runs started in the same minute as the
      // recorded one are ambiguous, and are hidden).
      const archive = replayOf
        ? input.archive.filter((e) => e.run === input.run || e.run.slice(0, 13) < replayOf.slice(0, 13))
        : input.archive;
      const fresh: IdeaReply["idea"][] = [];
      const out: Proposal[] = [];
      for (let slot = 0; slot < input.count; slot++) {
        let reply: IdeaReply;
        try {
          const promoted = slot === 0 ? (archive.find((e) => e.ideaId === input.promoted) ?? null) : null;
          const directions = operatorDirections(input.constraints ?? [], promoted?.idea ?? null);
          reply = await generateIdea(
            context,
            previousIdeas(context.services.template, archive, fresh),
            signal,
            directions,
          );
        } catch (error) {
          // Ideas already made are proposed, unless the budget is gone (they could not be pursued): otherwise the
          // error stops ideation and the machine ends the run cleanly, with the reason.
          if (out.length > 0 && !isBudgetExhausted(error)) break;
          throw error;
        }
        fresh.push(reply.idea);
        const n = input.startIndex + out.length + 1;
        const idea = { ...reply.idea, Name: slug(reply.idea.Name) };
        out.push({
          ideaId: `idea-${String(n).padStart(3, "0")}-${idea.Name}`.slice(0, 120),
          idea,
          params: {},
          parent: null,
          generation: 1,
        });
      }
      return out;
    }),
  };
}
