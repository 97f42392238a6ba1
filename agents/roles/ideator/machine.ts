import { assign, setup } from "xstate";
import type { ArchiveEntry, Payload } from "../../../bus/index.ts";
import type { MessageEvent } from "../../runtime/index.ts";
import { emit, enqueueActions } from "xstate";
import { retryOnBusFault, withWarning } from "../shared/bus-faults.ts";
import { errorText, injected, payloadOf, publish, type PublishEvent } from "../shared/machine-kit.ts";
import type { Outcome, ProposeInput, Proposal } from "./types.ts";

interface Ctx {
  run: string;
  budget: number;
  maxInFlight: number;
  proposed: number;
  inFlight: string[];
  decided: number;
  dropped: number;
  failed: number;
  archive: ArchiveEntry[];
  pending: Proposal[];
  outcome: Outcome | null;
  /** The operator's steering (control.*): constraints on new ideas, archived ideas to extend next. */
  constraints: string[];
  promoted: string[];
  error: string | null;
  /** Errors the run got past (an archive write that failed), kept in the snapshot; absent: none. */
  warnings?: string[];
}

const wanted = (c: Ctx) => Math.max(0, Math.min(c.maxInFlight - c.inFlight.length, c.budget - c.proposed));

function outcomeOf(event: MessageEvent): Outcome {
  const p = payloadOf<Record<string, unknown>>(event);
  if (event.type === "idea.assessed")
    return { kind: "assessed", ideaId: String(p.ideaId), novel: Boolean(p.novel), reason: String(p.reason) };
  if (event.type === "idea.failed") return { kind: "failed", ideaId: String(p.ideaId), reason: String(p.reason) };
  const d = p as Payload<"paper.decided">;
  return { kind: "decided", ideaId: d.ideaId, overall: d.overall, decision: d.decision };
}

/**
 * One ideator actor per run: proposes ideas while under the in-flight limit and the idea budget, conditioned on
 * the archive (earlier ideas and their papers' scores), and declares the run completed when nothing is left.
 */
export const ideatorMachine = setup({
  types: {} as { context: Ctx; events: MessageEvent; input: { run: string }; emitted: PublishEvent },
  actors: {
    loadArchive: injected<ArchiveEntry[], void>("loadArchive"),
    proposeIdeas: injected<Proposal[], ProposeInput>("proposeIdeas"),
    recordProposals: injected<void, { run: string; proposals: Proposal[] }>("recordProposals"),
    recordOutcome: injected<void, { run: string; outcome: Outcome }>("recordOutcome"),
  },
  guards: {
    wantsMore: ({ context }) => wanted(context) > 0,
    finished: ({ context }) => context.proposed >= context.budget && context.inFlight.length === 0,
  },
}).createMachine({
  id: "ideator",
  initial: "waiting",
  context: ({ input }) => ({
    run: input.run,
    budget: 0,
    maxInFlight: 1,
    proposed: 0,
    inFlight: [],
    decided: 0,
    dropped: 0,
    failed: 0,
    archive: [],
    pending: [],
    outcome: null,
    error: null,
    constraints: [],
    promoted: [],
  }),
  states: {
    waiting: {
      on: {
        "run.started": {
          target: "routing",
          actions: assign(({ event }) => {
            const p = payloadOf<Payload<"run.started">>(event);
            return { budget: p.ideas, maxInFlight: p.maxInFlightIdeas };
          }),
        },
      },
    },
    idle: {
      on: {
        "idea.assessed": { target: "updating", actions: assign({ outcome: ({ event }) => outcomeOf(event) }) },
        "idea.failed": { target: "updating", actions: assign({ outcome: ({ event }) => outcomeOf(event) }) },
        "paper.decided": { target: "updating", actions: assign({ outcome: ({ event }) => outcomeOf(event) }) },
        // The operator's interventions (bus/control-messages.ts).
        "control.idea-stopped": {
          target: "updating",
          actions: assign({
            outcome: ({ event }) => {
              const p = payloadOf<Payload<"control.idea-stopped">>(event);
              return { kind: "stopped", ideaId: p.ideaId, reason: `stopped by the operator: ${p.reason}` };
            },
          }),
        },
        "control.budget-changed": {
          target: "routing",
          actions: assign(({ context, event }) => {
            const p = payloadOf<Payload<"control.budget-changed">>(event);
            // A smaller idea budget cannot un-propose ideas: it stops at what was proposed.
            if (p.key === "ideas") return { budget: Math.max(p.value, context.proposed) };
            if (p.key === "maxInFlightIdeas") return { maxInFlight: p.value };
            return {}; // usd is the model budget's (llm services)
          }),
        },
        "control.constrained": {
          actions: assign({
            constraints: ({ context, event }) => [
              ...context.constraints,
              payloadOf<Payload<"control.constrained">>(event).text,
            ],
          }),
        },
        "control.promoted": {
          target: "routing",
          actions: assign({
            promoted: ({ context, event }) => [
              ...context.promoted,
              payloadOf<Payload<"control.promoted">>(event).ideaId,
            ],
          }),
        },
      },
    },
    updating: {
      entry: assign(({ context }) => {
        const o = context.outcome!;
        const ends = o.kind !== "assessed" || !o.novel;
        if (!ends || !context.inFlight.includes(o.ideaId)) return {};
        return {
          inFlight: context.inFlight.filter((id) => id !== o.ideaId),
          decided: context.decided + (o.kind === "decided" ? 1 : 0),
          dropped: context.dropped + (o.kind === "assessed" || o.kind === "stopped" ? 1 : 0),
          failed: context.failed + (o.kind === "failed" ? 1 : 0),
        };
      }),
      invoke: {
        src: "recordOutcome",
        input: ({ context }) => ({ run: context.run, outcome: context.outcome! }),
        onDone: "routing",
        onError: [
          retryOnBusFault,
          { target: "routing", actions: assign({ error: ({ event }) => errorText(event.error) }) },
        ],
      },
    },
    routing: {
      always: [{ guard: ({ context }) => wanted(context) === 0, target: "checking" }, { target: "loading" }],
    },
    loading: {
      invoke: {
        src: "loadArchive",
        onDone: { target: "proposing", actions: assign({ archive: ({ event }) => event.output }) },
        onError: [
          retryOnBusFault,
          { target: "proposing", actions: assign({ archive: [], error: ({ event }) => errorText(event.error) }) },
        ],
      },
    },
    proposing: {
      invoke: {
        src: "proposeIdeas",
        input: ({ context }) => ({
          run: context.run,
          count: wanted(context),
          startIndex: context.proposed,
          archive: context.archive,
          constraints: context.constraints,
          promoted: context.promoted[0] ?? null,
        }),
        // A promoted idea is extended by the first proposal made after the promotion, then leaves the queue.
        onDone: {
          target: "recording",
          actions: assign({
            pending: ({ event }) => event.output,
            archive: [],
            promoted: ({ context, event }) => (event.output.length > 0 ? context.promoted.slice(1) : context.promoted),
          }),
        },
        // The idea space may be exhausted or the model broken: stop proposing rather than loop. A bus fault is
        // neither: the delivery is retried.
        onError: [
          retryOnBusFault,
          {
            target: "checking",
            actions: assign(({ context, event }) => ({
              budget: context.proposed,
              error: errorText(event.error),
              archive: [],
            })),
          },
        ],
      },
    },
    recording: {
      invoke: {
        src: "recordProposals",
        input: ({ context }) => ({ run: context.run, proposals: context.pending }),
        onDone: "announcing",
        onError: [
          retryOnBusFault,
          // The ideas are announced anyway (the archive is a record, not the run); the failure stays on record.
          {
            target: "announcing",
            actions: assign({
              warnings: ({ context, event }) =>
                withWarning(context.warnings, `recording proposals failed: ${errorText(event.error)}`),
            }),
          },
        ],
      },
    },
    announcing: {
      entry: [
        enqueueActions(({ context, enqueue }) => {
          for (const p of context.pending)
            enqueue.emit(publish({ type: "idea.proposed", payload: p, correlation: p.ideaId, seat: p.ideaId }));
        }),
        assign(({ context }) => ({
          proposed: context.proposed + context.pending.length,
          inFlight: [...context.inFlight, ...context.pending.map((p) => p.ideaId)],
          // Fewer ideas than asked means the space is exhausted: the budget shrinks to what exists.
          budget: context.pending.length < wanted(context) ? context.proposed + context.pending.length : context.budget,
          pending: [],
        })),
      ],
      always: "checking",
    },
    checking: {
      always: [
        {
          guard: "finished",
          target: "completed",
        },
        { target: "idle" },
      ],
    },
    completed: {
      entry: emit(({ context }) =>
        publish({
          type: "run.completed",
          payload: {
            proposed: context.proposed,
            decided: context.decided,
            dropped: context.dropped,
            failed: context.failed,
            reason: context.error
              ? `ideation stopped early: ${context.error}`
              : "every proposed idea was decided, dropped or failed",
          },
        }),
      ),
      always: "closed",
    },
    closed: {
      on: {
        // Late outcomes (e.g. a redelivered decision) still reach the archive, without announcing completion twice.
        "paper.decided": { target: "recordingLate", actions: assign({ outcome: ({ event }) => outcomeOf(event) }) },
      },
    },
    recordingLate: {
      invoke: {
        src: "recordOutcome",
        input: ({ context }) => ({ run: context.run, outcome: context.outcome! }),
        onDone: "closed",
        onError: [
          retryOnBusFault,
          {
            target: "closed",
            actions: assign({
              warnings: ({ context, event }) =>
                withWarning(context.warnings, `recording a late outcome failed: ${errorText(event.error)}`),
            }),
          },
        ],
      },
    },
  },
});
