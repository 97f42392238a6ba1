import { assign, setup } from "xstate";
import type { Payload } from "../../../bus/index.ts";
import type { MessageEvent } from "../../runtime/index.ts";
import { emitMessage, errorText, injected, payloadOf, type PublishEvent } from "../shared/machine-kit.ts";
import { retryOnBusFault } from "../shared/bus-faults.ts";

type Proposed = Payload<"idea.proposed">;
type Assessed = Payload<"idea.assessed">;

/** Judges each proposed idea against the archive and the literature; a failed check fails the idea, with the reason. */
export const noveltyMachine = setup({
  types: {} as { context: { request: Proposed | null }; events: MessageEvent; emitted: PublishEvent },
  actors: { assess: injected<Assessed, Proposed>("assess") },
}).createMachine({
  id: "novelty",
  initial: "idle",
  context: { request: null },
  states: {
    idle: {
      on: {
        "idea.proposed": {
          target: "assessing",
          actions: assign({ request: ({ event }) => payloadOf<Proposed>(event) }),
        },
      },
    },
    assessing: {
      invoke: {
        src: "assess",
        input: ({ context }) => context.request!,
        onDone: {
          target: "done",
          actions: emitMessage(({ event }) => ({ type: "idea.assessed", payload: event.output })),
        },
        onError: [
          retryOnBusFault,
          {
            target: "done",
            actions: emitMessage(({ context, event }) => ({
              type: "idea.failed",
              payload: {
                ideaId: context.request.ideaId,
                stage: "novelty",
                reason: `novelty check failed: ${errorText(event.error)}`,
              },
            })),
          },
        ],
      },
    },
    done: { type: "final" },
  },
});
