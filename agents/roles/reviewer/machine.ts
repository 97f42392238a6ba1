import { assign, setup } from "xstate";
import type { Payload, Review } from "../../../bus/index.ts";
import type { MessageEvent } from "../../runtime/index.ts";
import { emitMessage, errorText, injected, payloadOf, type PublishEvent } from "../shared/machine-kit.ts";
import { retryOnBusFault } from "../shared/bus-faults.ts";

type Requested = Payload<"review.requested">;

/**
 * One review seat. A seat that cannot review (model error, invalid output after the repair rounds, budget, an
 * unreadable paper) says so with `review.failed`: the area chair then decides on the seats that answered.
 */
export const reviewerMachine = setup({
  types: {} as { context: { request: Requested | null }; events: MessageEvent; emitted: PublishEvent },
  actors: { review: injected<Review, Requested>("review") },
}).createMachine({
  id: "reviewer",
  initial: "idle",
  context: { request: null },
  states: {
    idle: {
      on: {
        "review.requested": {
          target: "reviewing",
          actions: assign({ request: ({ event }) => payloadOf<Requested>(event) }),
        },
      },
    },
    reviewing: {
      invoke: {
        src: "review",
        input: ({ context }) => context.request!,
        onDone: {
          target: "done",
          actions: emitMessage(({ context, event }) => ({
            type: "review.submitted",
            payload: {
              paperId: context.request.paperId,
              ideaId: context.request.ideaId,
              seat: context.request.seat,
              persona: context.request.persona,
              review: event.output,
            },
            seat: context.request.seat,
          })),
        },
        // The panel must not wait for a seat that can never answer: the reason goes to the area chair.
        onError: [
          retryOnBusFault,
          {
            target: "done",
            actions: emitMessage(({ context, event }) => ({
              type: "review.failed",
              payload: {
                paperId: context.request.paperId,
                ideaId: context.request.ideaId,
                seat: context.request.seat,
                persona: context.request.persona,
                reason: errorText(event.error),
              },
              seat: context.request.seat,
            })),
          },
        ],
      },
    },
    done: { type: "final" },
  },
});
