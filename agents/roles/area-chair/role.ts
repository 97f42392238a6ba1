import { fromPromise } from "xstate";
import type { Payload } from "../../../bus/index.ts";
import type { RoleDefinition } from "../../runtime/index.ts";
import { personas } from "../reviewer/personas.ts";
import { areaChairConfigSchema, type AreaChairConfig } from "./config.ts";
import { aggregate, metaReviewRules, type SeatReview } from "./decide.ts";
import { areaChairLlmPolicy } from "./llm-meta-review.ts";
import { areaChairMachine } from "./machine.ts";

type Drafted = Payload<"paper.drafted">;
type Decided = Payload<"paper.decided">;

/** Chairs the review panel of each paper: K seats in parallel, rounded-mean scores, threshold decision. */
export const areaChair: RoleDefinition<AreaChairConfig> = {
  name: "area-chair",
  description: "requests K parallel reviews per paper, writes the meta-review and decides with the rounded mean and threshold",
  consumes: ["paper.drafted", "review.submitted"],
  emits: ["review.requested", "paper.decided", "idea.failed"],
  configSchema: areaChairConfigSchema,
  machine: areaChairMachine,
  input: (context) => ({ seats: context.config.seats, personas: personas.map((p) => p.name) }),
  effects: (context) => ({
    decide: fromPromise<Decided, { paper: Drafted; reviews: SeatReview[]; metaReview?: string | null }>(async ({ input }) => {
      const { scores, overall, decision } = aggregate(input.reviews, context.config.threshold);
      const metaReview = input.metaReview ?? metaReviewRules(input.paper.title, input.reviews, overall, decision, context.config.threshold);
      const decided: Decided = {
        paperId: input.paper.paperId,
        ideaId: input.paper.ideaId,
        path: input.paper.path,
        decision,
        overall,
        threshold: context.config.threshold,
        scores,
        metaReview,
        reviews: input.reviews,
        failedSeats: [],
        provenance: input.paper.provenance,
        overruled: null,
      };
      await context.services.artifacts.put(`${input.paper.ideaId}/review.json`, JSON.stringify(decided, null, 2));
      return decided;
    }),
  }),
  policies: { rules: () => ({}), llm: areaChairLlmPolicy },
};
