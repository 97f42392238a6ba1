import { assign, enqueueActions, setup } from "xstate";
import type { Payload } from "../../../bus/index.ts";
import type { MessageEvent } from "../../runtime/index.ts";
import { emitMessage, injected, payloadOf, publish, type PublishEvent } from "../shared/machine-kit.ts";
import type { SeatReview } from "./decide.ts";

type Drafted = Payload<"paper.drafted">;
type Submitted = Payload<"review.submitted">;
type Decided = Payload<"paper.decided">;

interface Ctx {
  seats: number;
  personas: string[];
  paper: Drafted | null;
  reviews: SeatReview[];
}

/** Fans a drafted paper out to K seats in parallel, collects every review, then decides with a meta-review. */
export const areaChairMachine = setup({
  types: {} as { context: Ctx; events: MessageEvent; input: { seats: number; personas: string[] }; emitted: PublishEvent },
  actors: { decide: injected<Decided, { paper: Drafted; reviews: SeatReview[] }>("decide") },
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
      always: { guard: "panelComplete", target: "deciding" },
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
    deciding: {
      invoke: {
        src: "decide",
        input: ({ context }) => ({ paper: context.paper!, reviews: context.reviews }),
        onDone: { target: "decided", actions: emitMessage(({ event }) => ({ type: "paper.decided", payload: event.output })) },
      },
    },
    decided: { type: "final" },
  },
});
