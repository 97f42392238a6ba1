import { assign, setup } from "xstate";
import type { Payload } from "../../../bus/index.ts";
import type { MessageEvent } from "../../runtime/index.ts";
import { retryOnBusFault } from "../shared/bus-faults.ts";
import { emitMessage, errorText, injected, payloadOf, type PublishEvent } from "../shared/machine-kit.ts";

type Requested = Payload<"experiment.requested">;
type Finished = Payload<"experiment.finished">;

interface Context {
  handled: number;
  request: Requested | null;
}

/**
 * A result for a request whose effect itself failed (engine down, artifact missing): the coder sees a failed attempt.
 */
export function internalFailure(request: Requested, error: unknown): Finished {
  return {
    ideaId: request.ideaId,
    kind: request.kind,
    runIndex: request.runIndex,
    attempt: request.attempt,
    status: "error",
    exitCode: null,
    reason: `the experimenter could not run this: ${errorText(error)}`,
    stderrTail: "",
    finalInfo: null,
    artifacts: {},
    usage: { wallMs: 0, cpuMs: null, peakMemoryBytes: null, bytesWritten: null },
    image: "",
    reused: false,
  };
}

/**
 * Runs each requested experiment in the sandbox and reports how it ended; any failure becomes a result, not a crash.
 */
export const experimenterMachine = setup({
  types: {} as { context: Context; events: MessageEvent; emitted: PublishEvent },
  actors: { runExperiment: injected<Finished, Requested>("runExperiment") },
}).createMachine({
  id: "experimenter",
  initial: "idle",
  context: { handled: 0, request: null },
  states: {
    idle: {
      on: {
        "experiment.requested": {
          target: "running",
          actions: assign({ request: ({ event }) => payloadOf<Requested>(event) }),
        },
      },
    },
    running: {
      invoke: {
        src: "runExperiment",
        input: ({ context }) => context.request as Requested,
        onDone: {
          target: "idle",
          actions: [
            emitMessage(({ event }) => ({
              type: "experiment.finished",
              payload: (event as unknown as { output: Finished }).output,
            })),
            assign({ handled: ({ context }) => context.handled + 1, request: null }),
          ],
        },
        onError: [
          // The object store or KV down is not the experiment's result: the delivery is retried with backoff.
          retryOnBusFault,
          {
            target: "idle",
            actions: [
              emitMessage(({ context, event }) => ({
                type: "experiment.finished",
                payload: internalFailure(
                  (context as Context).request as Requested,
                  (event as unknown as { error: unknown }).error,
                ),
              })),
              assign({ handled: ({ context }) => context.handled + 1, request: null }),
            ],
          },
        ],
      },
    },
  },
});
