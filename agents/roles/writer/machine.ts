import { assign, setup } from "xstate";
import type { Payload } from "../../../bus/index.ts";
import type { MessageEvent } from "../../runtime/index.ts";
import { emitMessage, errorText, injected, payloadOf, type PublishEvent } from "../shared/machine-kit.ts";
import type { Draft } from "./rules-paper.ts";

type Study = Payload<"study.completed">;
type Drafted = Payload<"paper.drafted">;

interface Ctx {
  study: Study | null;
  draft: Draft | null;
  /** Why writing failed, recorded in idea.failed. */
  error?: string | null;
}

/** Writes a paper from a completed study, stores it and checks its numbers against the run artifacts. */
export const writerMachine = setup({
  types: {} as { context: Ctx; events: MessageEvent; emitted: PublishEvent },
  actors: {
    writePaper: injected<Draft, Study>("writePaper"),
    publishPaper: injected<Drafted, { study: Study; draft: Draft }>("publishPaper"),
  },
}).createMachine({
  id: "writer",
  initial: "idle",
  context: { study: null, draft: null },
  states: {
    idle: { on: { "study.completed": { target: "writing", actions: assign({ study: ({ event }) => payloadOf<Study>(event) }) } } },
    writing: {
      invoke: {
        src: "writePaper",
        input: ({ context }) => context.study!,
        onDone: { target: "publishing", actions: assign({ draft: ({ event }) => event.output }) },
        onError: { target: "failed", actions: assign({ draft: null, error: ({ event }) => errorText(event.error) }), reenter: false },
      },
    },
    publishing: {
      invoke: {
        src: "publishPaper",
        input: ({ context }) => ({ study: context.study!, draft: context.draft! }),
        onDone: { target: "done", actions: emitMessage(({ event }) => ({ type: "paper.drafted", payload: event.output })) },
        onError: {
          target: "done",
          actions: emitMessage(({ context, event }) => ({
            type: "idea.failed",
            payload: { ideaId: context.study.ideaId, stage: "writer", reason: `the paper failed its checks: ${errorText(event.error)}` },
          })),
        },
      },
    },
    failed: {
      entry: emitMessage(({ context }) => ({ type: "idea.failed", payload: { ideaId: context.study.ideaId, stage: "writer", reason: `the writer could not produce a paper${context.error ? `: ${context.error}` : ""}` } })),
      type: "final",
    },
    done: { type: "final" },
  },
});
