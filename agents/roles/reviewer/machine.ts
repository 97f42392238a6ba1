import { assign, setup } from "xstate";
import type { Payload, Review } from "../../../bus/index.ts";
import type { MessageEvent } from "../../runtime/index.ts";
import { emitMessage, errorText, injected, payloadOf, type PublishEvent } from "../shared/machine-kit.ts";

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
        // A review that cannot be produced (e.g. the model budget ran out) fails the idea with the reason, so the
        // run ends cleanly instead of waiting for a panel that can never complete.
        onError: {
          target: "done",
          actions: emitMessage(({ context, event }) => ({
            type: "idea.failed",
            payload: { ideaId: context.request.ideaId, stage: "reviewer", reason: `seat ${context.request.seat} could not review: ${errorText(event.error)}` },
            seat: context.request.seat,
          })),
        },
      },
    },
    done: { type: "final" },
  },
});
