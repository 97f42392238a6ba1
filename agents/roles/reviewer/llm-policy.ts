import { fromPromise } from "xstate";
import type { Payload, Review } from "../../../bus/index.ts";
import type { ChatMessage } from "../../llm/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import { ask, modelFor } from "../shared/llm-kit.ts";
import type { ReviewerConfig } from "./config.ts";
import { reviewerSystem, reviewPrompt, reviewReflectionPrompt, reviewReplySchema } from "./llm-prompts.ts";
import { personas } from "./personas.ts";

type Requested = Payload<"review.requested">;

/** The llm reviewer: the seed's form and few-shot example, then up to `reflections` rounds ("I am done" ends early). */
export function reviewerLlmPolicy(context: RoleContext<ReviewerConfig>) {
  return {
    review: fromPromise<Review, Requested>(async ({ input, signal }) => {
      const paper = await context.services.artifacts.getText(input.paper.artifact);
      const focus = personas.find((p) => p.name === input.persona)?.focus ?? null;
      const model = modelFor(context, input.ideaId);
      const { reflections, fewShot } = context.config;
      const messages: ChatMessage[] = [{ role: "user", content: reviewPrompt(paper, focus, fewShot) }];
      let reply = await ask(context, model, { step: "reviewing", system: reviewerSystem, messages, schema: reviewReplySchema, schemaName: "review", signal });
      for (let round = 2; round <= reflections && !reply.value.thought.includes("I am done"); round++) {
        messages.push({ role: "assistant", content: reply.text }, { role: "user", content: reviewReflectionPrompt(round, reflections) });
        reply = await ask(context, model, { step: `review reflection ${round}`, system: reviewerSystem, messages, schema: reviewReplySchema, schemaName: "review", signal });
      }
      return reply.value.review;
    }),
  };
}
