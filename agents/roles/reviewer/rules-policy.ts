import { fromPromise } from "xstate";
import type { Payload, Review } from "../../../bus/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import type { ReviewerConfig } from "./config.ts";
import { personaForSeat, personas } from "./personas.ts";
import { reviewRules } from "./rules-review.ts";

/** Fills the form from the paper's measured evidence, from the seat's persona's point of view (rules-review.ts). */
export function reviewerRulesPolicy(_context: RoleContext<ReviewerConfig>) {
  return {
    review: fromPromise<Review, Payload<"review.requested">>(async ({ input }) => {
      const persona = personas.find((p) => p.name === input.persona) ?? personaForSeat(input.seat);
      return reviewRules(input.paper, persona);
    }),
  };
}
