import type { RoleDefinition } from "../../runtime/index.ts";
import { reviewerConfigSchema, type ReviewerConfig } from "./config.ts";
import { reviewerLlmPolicy } from "./llm-policy.ts";
import { reviewerMachine } from "./machine.ts";
import { reviewerRulesPolicy } from "./rules-policy.ts";

/** Fills the NeurIPS review form for one seat; replicas compete, so seats are reviewed in parallel. */
export const reviewer: RoleDefinition<ReviewerConfig> = {
  name: "reviewer",
  description:
    "reviews a drafted paper, as written, on the NeurIPS form from one persona's point of view; a seat that cannot review says why (review.failed)",
  consumes: ["review.requested"],
  emits: ["review.submitted", "review.failed"],
  configSchema: reviewerConfigSchema,
  machine: reviewerMachine,
  // One actor per seat: seats of one paper must not serialise on a shared snapshot.
  actorKey: (e) => `${e.correlation}.seat-${(e.payload as { seat: number }).seat}`,
  needs: ["model"],
  policies: { rules: reviewerRulesPolicy, llm: reviewerLlmPolicy },
};
