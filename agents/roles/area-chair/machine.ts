import { assign, enqueueActions, fromPromise, setup } from "xstate";
import type { Payload } from "../../../bus/index.ts";
import type { MessageEvent } from "../../runtime/index.ts";
import { emitMessage, errorText, injected, payloadOf, publish, type PublishEvent } from "../shared/machine-kit.ts";
import type { SeatReview } from "./decide.ts";

type Drafted = Payload<"paper.drafted">;
type Submitted = Payload<"review.submitted">;
type Decided = Payload<"paper.decided">;

interface Ctx {
  seats: number;
  personas: string[];
  paper: Drafted | null;
  reviews: SeatReview[];
  /** The policy's meta-review; null lets `decide` write the rules one. */
  metaReview?: string | null;
}

/** Fans a drafted paper out to K seats in parallel, collects every review, then decides with a meta-review. */
export const areaChairMachine = setup({
  types: {} as { context: Ctx; events: MessageEvent; input: { seats: number; personas: string[] }; emitted: PublishEvent },
  actors: {
    // The policy's meta-review (llm); by default none, and `decide` writes the rules meta-review.
    metaReview: fromPromise<string | null, { paper: Drafted; reviews: SeatReview[] }>(async () => null),
    decide: injected<Decided, { paper: Drafted; reviews: SeatReview[]; metaReview: string | null }>("decide"),
  },
  guards: {
    newSeat: ({ context, event }) => !context.reviews.some((r) => r.seat === payloadOf<Submitted>(event).seat),
    panelComplete: ({ context }) => context.reviews.length >= context.seats,
  },
}).createMachine({
  id: "area-chair",
  initial: "idle",
  context: ({ input }) => ({ seats: input.seats, personas: input.personas, paper: null, reviews: [] }),
  states: {
    idle: {
      on: {
        "paper.drafted": {
          target: "collecting",
          actions: [
            assign({ paper: ({ event }) => payloadOf<Drafted>(event) }),
            enqueueActions(({ context, enqueue }) => {
              for (let seat = 0; seat < context.seats; seat++) {
                const persona = context.personas[seat % context.personas.length]!;
                enqueue.emit(publish({ type: "review.requested", seat, payload: { paperId: context.paper!.paperId, ideaId: context.paper!.ideaId, seat, persona, paper: context.paper } }));
              }
            }),
          ],
        },
      },
    },
    collecting: {
      always: { guard: "panelComplete", target: "metaReviewing" },
      on: {
        "review.submitted": {
          guard: "newSeat",
          target: "collecting",
          reenter: true,
          actions: assign({
            reviews: ({ context, event }) => {
              const p = payloadOf<Submitted>(event);
              return [...context.reviews, { seat: p.seat, persona: p.persona, review: p.review }].sort((a, b) => a.seat - b.seat);
            },
          }),
        },
      },
    },
    metaReviewing: {
      invoke: {
        src: "metaReview",
        input: ({ context }) => ({ paper: context.paper!, reviews: context.reviews }),
        onDone: { target: "deciding", actions: assign({ metaReview: ({ event }) => event.output }) },
        onError: {
          target: "decided",
          actions: emitMessage(({ context, event }) => ({
            type: "idea.failed",
            payload: { ideaId: context.paper.ideaId, stage: "area-chair", reason: `the meta-review failed: ${errorText(event.error)}` },
          })),
        },
      },
    },
    deciding: {
      invoke: {
        src: "decide",
        input: ({ context }) => ({ paper: context.paper!, reviews: context.reviews, metaReview: context.metaReview ?? null }),
        onDone: { target: "decided", actions: emitMessage(({ event }) => ({ type: "paper.decided", payload: event.output })) },
      },
    },
    decided: { type: "final" },
  },
});
