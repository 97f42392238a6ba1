import { fromPromise } from "xstate";
import type { Payload } from "../../../bus/index.ts";
import type { RoleDefinition } from "../../runtime/index.ts";
import { personas } from "../reviewer/index.ts";
import { areaChairConfigSchema, type AreaChairConfig } from "./config.ts";
import { metaReviewRules, panelDecision } from "./decide.ts";
import { areaChairLlmPolicy } from "./llm-policy.ts";
import { areaChairRulesPolicy } from "./rules-policy.ts";
import { areaChairMachine, type PanelInput } from "./machine.ts";

type Decided = Payload<"paper.decided">;

/** Chairs the review panel of each paper: K seats in parallel, a quorum, rounded-mean scores, threshold decision. */
export const areaChair: RoleDefinition<AreaChairConfig> = {
  name: "area-chair",
  description:
    "requests K parallel reviews per paper, decides on a quorum of them with the rounded mean and threshold (no Accept with unsupported claims), writes the meta-review",
  consumes: ["paper.drafted", "review.submitted", "review.failed"],
  emits: ["review.requested", "paper.decided", "idea.failed"],
  configSchema: areaChairConfigSchema,
  machine: areaChairMachine,
  input: (context) => ({
    seats: context.config.seats,
    personas: personas.map((p) => p.name),
    quorum: context.config.quorum,
  }),
  effects: (context) => ({
    decide: fromPromise<Decided, PanelInput & { metaReview?: string | null }>(async ({ input }) => {
      const { threshold } = context.config;
      const { scores, overall, decision, overruled } = panelDecision(input.paper, input.reviews, threshold);
      const decided: Decided = {
        paperId: input.paper.paperId,
        ideaId: input.paper.ideaId,
        path: input.paper.path,
        decision,
        overall,
        threshold,
        scores,
        metaReview: input.metaReview ?? metaReviewRules(input.paper, input.reviews, input.failed, threshold),
        reviews: input.reviews,
        failedSeats: input.failed,
        provenance: input.paper.provenance,
        overruled,
      };
      await context.services.artifacts.put(`${input.paper.ideaId}/review.json`, JSON.stringify(decided, null, 2));
      return decided;
    }),
  }),
  needs: ["model"],
  policies: { rules: areaChairRulesPolicy, llm: areaChairLlmPolicy },
};
