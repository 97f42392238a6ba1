import { assign, setup } from "xstate";
import type { Payload, Review } from "../../../bus/index.ts";
import type { MessageEvent } from "../../runtime/index.ts";
import { emitMessage, injected, payloadOf, type PublishEvent } from "../shared/machine-kit.ts";

type Requested = Payload<"review.requested">;

/**
 * One review seat. A review that cannot be produced is retried through redelivery (the error propagates) and
 * then dead-lettered; the area chair decides on the reviews it has when the run's deadline comes.
 */
export const reviewerMachine = setup({
  types: {} as { context: { request: Requested | null }; events: MessageEvent; emitted: PublishEvent },
  actors: { review: injected<Review, Requested>("review") },
}).createMachine({
  id: "reviewer",
  initial: "idle",
  context: { request: null },
  states: {
    idle: { on: { "review.requested": { target: "reviewing", actions: assign({ request: ({ event }) => payloadOf<Requested>(event) }) } } },
    reviewing: {
      invoke: {
        src: "review",
        input: ({ context }) => context.request!,
        onDone: {
          target: "done",
          actions: emitMessage(({ context, event }) => ({
            type: "review.submitted",
            payload: { paperId: context.request.paperId, ideaId: context.request.ideaId, seat: context.request.seat, persona: context.request.persona, review: event.output },
            seat: context.request.seat,
          })),
        },
      },
    },
    done: { type: "final" },
  },
});
