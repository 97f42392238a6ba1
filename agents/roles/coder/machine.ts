import { assign, setup } from "xstate";
import type { Payload } from "../../../bus/index.ts";
import type { MessageEvent } from "../../runtime/index.ts";
import { isBudgetExhausted } from "../shared/llm-kit.ts";
import { retryOnBusFault, withWarning } from "../shared/bus-faults.ts";
import { emitMessage, errorText, injected, payloadOf, type PublishEvent } from "../shared/machine-kit.ts";
import { failureOf, nothingToWriteUp, plotFailed, plotsOf, runResult } from "./study-results.ts";
import type {
  CoderContext,
  DescribePlotsInput,
  FixPlotInput,
  FixPlotOutput,
  PlannedRun,
  WriteCodeInput,
  WriteCodeOutput,
} from "./types.ts";

type Assessed = Payload<"idea.assessed">;
type Finished = Payload<"experiment.finished">;

export interface CoderInput {
  maxAttempts: number;
  timeoutMs: number;
  plotTimeoutMs: number;
  plotScript: string;
}

type Ctx = CoderContext & CoderInput;

const isBaseline = (c: Ctx) => c.current?.runIndex === 0;

/**
 * Turns a novel idea into a baseline run, runs decided one after another (each with bounded attempts), plots
 * (plot.py failures go back to the policy, bounded the same way), notes describing the plots, and a study.
 */
export const coderMachine = setup({
  types: {} as { context: Ctx; events: MessageEvent; input: CoderInput; emitted: PublishEvent },
  actors: {
    planStudy: injected<PlannedRun[], { ideaId: string; idea: Assessed["idea"]; params: Assessed["params"] }>(
      "planStudy",
    ),
    writeCode: injected<WriteCodeOutput, WriteCodeInput>("writeCode"),
    recordRun: injected<string, { context: CoderContext; result: Finished; code: string | null }>("recordRun"),
    fixPlot: injected<FixPlotOutput, FixPlotInput>("fixPlot"),
    describePlots: injected<string, DescribePlotsInput>("describePlots"),
  },
  guards: {
    novel: ({ event }) => payloadOf<Assessed>(event).novel,
    isCurrent: ({ context, event }) => {
      const r = payloadOf<Finished>(event);
      return (
        r.kind === "experiment" && r.runIndex === context.current?.runIndex && r.attempt === context.current?.attempt
      );
    },
    isCurrentPlot: ({ context, event }) => {
      const r = payloadOf<Finished>(event);
      return r.kind === "plot" && r.attempt === context.plotAttempt;
    },
    lastOk: ({ context }) => context.lastResult?.status === "ok",
    canRetry: ({ context }) => (context.current?.attempt ?? 0) < context.maxAttempts,
    baselineFailed: ({ context }) => isBaseline(context),
    moreRuns: ({ context }) => context.plan.some((p) => p.runIndex > (context.current?.runIndex ?? 0)),
  },
}).createMachine({
  id: "coder",
  initial: "idle",
  context: ({ input }) => ({
    ...input,
    ideaId: null,
    idea: null,
    params: {},
    evidence: [],
    plan: [],
    runs: [],
    current: null,
    currentCode: null,
    lastFailure: null,
    lastResult: null,
    runArtifacts: {},
    baseline: null,
    plots: {},
    notes: "",
    failure: null,
    runDescriptions: {},
    runChanges: {},
    plotAttempt: 1,
    plotFailure: null,
    plotStatus: "ok",
  }),
  states: {
    idle: {
      on: {
        "idea.assessed": {
          guard: "novel",
          target: "planning",
          actions: assign(({ event }) => {
            const p = payloadOf<Assessed>(event);
            return { ideaId: p.ideaId, idea: p.idea, params: p.params, evidence: p.evidence };
          }),
        },
      },
    },
    planning: {
      invoke: {
        src: "planStudy",
        input: ({ context }) => ({ ideaId: context.ideaId!, idea: context.idea!, params: context.params }),
        onDone: {
          target: "coding",
          actions: assign({ plan: ({ event }) => event.output, current: { runIndex: 0, attempt: 1 } }),
        },
        onError: [
          retryOnBusFault,
          {
            target: "failing",
            actions: assign({ failure: ({ event }) => `planning failed: ${errorText(event.error)}` }),
          },
        ],
      },
    },
    coding: {
      invoke: {
        src: "writeCode",
        input: ({ context }) => ({
          ideaId: context.ideaId!,
          idea: context.idea!,
          runIndex: context.current!.runIndex,
          attempt: context.current!.attempt,
          params: context.plan.find((p) => p.runIndex === context.current!.runIndex)?.params ?? {},
          lastFailure: context.lastFailure,
          previousCode: context.currentCode,
          runs: context.runs,
          baseline: context.baseline,
        }),
        onDone: [
          {
            // ALL_COMPLETED: drop the runs not yet made and go on to the plots (or fail if nothing succeeded).
            guard: ({ event }) => event.output.allCompleted === true,
            target: "nextRun",
            actions: assign(({ context, event }) => ({
              plan: context.plan.filter((p) => p.runIndex < context.current!.runIndex),
              plotScript: event.output.files["plot.py"] ?? context.plotScript,
            })),
          },
          {
            guard: ({ event }) => event.output.giveUp !== null,
            target: "runFailed",
            actions: assign({
              lastFailure: ({ context, event }) => ({
                status: context.lastFailure?.status ?? "error",
                reason: event.output.giveUp,
                stderrTail: context.lastFailure?.stderrTail ?? "",
              }),
            }),
          },
          {
            target: "awaiting",
            actions: [
              assign(({ context, event }) => {
                const key = String(context.current!.runIndex);
                return {
                  currentCode: event.output.files["experiment.py"] ?? null,
                  // A policy that edits plot.py (the llm coder fills its labels) has its version plotted.
                  plotScript: event.output.files["plot.py"] ?? context.plotScript,
                  runDescriptions: {
                    ...context.runDescriptions,
                    [key]: event.output.description ?? context.runDescriptions[key] ?? "",
                  },
                  runChanges: { ...context.runChanges, [key]: event.output.changes ?? "" },
                };
              }),
              emitMessage(({ context, event }) => ({
                type: "experiment.requested",
                payload: {
                  ideaId: context.ideaId,
                  kind: "experiment",
                  runIndex: context.current.runIndex,
                  attempt: context.current.attempt,
                  files: event.output.files,
                  inputs: {},
                  command: event.output.command,
                  timeoutMs: context.timeoutMs,
                  cacheKey: event.output.cacheKey,
                },
              })),
            ],
          },
        ],
        onError: [
          // A bus fault (object store down) is not a failed run: the delivery is retried with backoff.
          retryOnBusFault,
          // No later run can be written once the budget is spent: end the idea now, with the reason.
          {
            guard: ({ event }) => isBudgetExhausted(event.error),
            target: "failing",
            actions: assign({ failure: ({ event }) => `the coder failed: ${errorText(event.error)}` }),
          },
          {
            target: "runFailed",
            actions: assign({
              lastFailure: ({ event }) => ({
                status: "error",
                reason: `the coder failed: ${errorText(event.error)}`,
                stderrTail: "",
              }),
            }),
          },
        ],
      },
    },
    awaiting: {
      on: {
        "experiment.finished": {
          guard: "isCurrent",
          target: "recording",
          actions: assign({ lastResult: ({ event }) => payloadOf<Finished>(event) }),
        },
      },
    },
    recording: {
      invoke: {
        src: "recordRun",
        input: ({ context }) => ({ context, result: context.lastResult!, code: context.currentCode }),
        onDone: { target: "deciding", actions: assign({ notes: ({ event }) => event.output }) },
        onError: [
          retryOnBusFault,
          // The run's record (notes, results) could not be written: the study goes on, and says so in its snapshot.
          {
            target: "deciding",
            actions: assign({
              warnings: ({ context, event }) =>
                withWarning(context.warnings, `recording run results failed: ${errorText(event.error)}`),
            }),
          },
        ],
      },
    },
    deciding: {
      always: [
        {
          guard: "lastOk",
          target: "nextRun",
          actions: assign(({ context }) => {
            const r = context.lastResult!;
            const artifacts = { ...context.runArtifacts };
            for (const [path, name] of Object.entries(r.artifacts)) artifacts[name] = path;
            return {
              runs: [...context.runs, runResult(context, "ok")],
              baseline: r.runIndex === 0 ? r.finalInfo : context.baseline,
              runArtifacts: artifacts,
              lastFailure: null,
            };
          }),
        },
        {
          guard: "canRetry",
          target: "coding",
          actions: assign(({ context }) => ({
            current: { runIndex: context.current!.runIndex, attempt: context.current!.attempt + 1 },
            lastFailure: failureOf(context.lastResult!),
          })),
        },
        { target: "runFailed", actions: assign(({ context }) => ({ lastFailure: failureOf(context.lastResult!) })) },
      ],
    },
    runFailed: {
      always: [
        {
          guard: "baselineFailed",
          target: "failing",
          actions: assign({
            failure: ({ context }) =>
              `the baseline run_0 failed (${context.lastFailure?.status}): ${context.lastFailure?.reason ?? "no reason given"}`,
          }),
        },
        {
          target: "nextRun",
          actions: assign({
            runs: ({ context }) => [...context.runs, runResult(context, "failed")],
            lastFailure: null,
          }),
        },
      ],
    },
    nextRun: {
      always: [
        {
          guard: "moreRuns",
          target: "coding",
          actions: assign({
            current: ({ context }) => ({
              runIndex: Math.min(
                ...context.plan.filter((p) => p.runIndex > context.current!.runIndex).map((p) => p.runIndex),
              ),
              attempt: 1,
            }),
            lastResult: null,
          }),
        },
        {
          guard: ({ context }) => !context.runs.some((r) => r.runIndex > 0 && r.status === "ok"),
          target: "failing",
          actions: assign({ failure: ({ context }) => nothingToWriteUp(context.runs) }),
        },
        { target: "fixingPlot" },
      ],
    },
    // Before the first plot (the seed's "Great job! Please modify plot.py ...") and after each failed one.
    fixingPlot: {
      invoke: {
        src: "fixPlot",
        input: ({ context }) => ({
          ideaId: context.ideaId!,
          idea: context.idea!,
          attempt: context.plotAttempt,
          plotScript: context.plotScript,
          code: context.currentCode,
          lastFailure: context.plotFailure,
          runs: context.runs,
        }),
        onDone: [
          {
            guard: ({ event }) => event.output.giveUp !== null,
            target: "describing",
            actions: assign({
              plotStatus: ({ context, event }) =>
                plotFailed(context.plotFailure, context.plotAttempt - 1, `it was not repaired: ${event.output.giveUp}`),
            }),
          },
          { target: "plotting", actions: assign({ plotScript: ({ event }) => event.output.plotScript }) },
        ],
        onError: [
          retryOnBusFault,
          {
            target: "describing",
            actions: assign({
              plotStatus: ({ context, event }) =>
                plotFailed(
                  context.plotFailure,
                  context.plotAttempt - 1,
                  `writing plot.py failed: ${errorText(event.error)}`,
                ),
            }),
          },
        ],
      },
    },
    plotting: {
      entry: emitMessage(({ context }) => ({
        type: "experiment.requested",
        payload: {
          ideaId: context.ideaId,
          kind: "plot",
          runIndex: 0,
          attempt: context.plotAttempt,
          files: { "plot.py": context.plotScript },
          inputs: context.runArtifacts,
          command: ["python3", "plot.py"],
          timeoutMs: context.plotTimeoutMs,
          cacheKey: null,
        },
      })),
      on: {
        "experiment.finished": {
          guard: "isCurrentPlot",
          target: "plotted",
          actions: assign({ lastResult: ({ event }) => payloadOf<Finished>(event) }),
        },
      },
    },
    plotted: {
      always: [
        {
          guard: "lastOk",
          target: "describing",
          actions: assign({
            plots: ({ context }) => plotsOf(context.lastResult!),
            plotFailure: null,
            plotStatus: "ok",
          }),
        },
        {
          guard: ({ context }) => context.plotAttempt < context.maxAttempts,
          target: "fixingPlot",
          actions: assign(({ context }) => ({
            plotAttempt: context.plotAttempt + 1,
            plotFailure: failureOf(context.lastResult!),
          })),
        },
        {
          target: "describing",
          actions: assign(({ context }) => ({
            plotFailure: failureOf(context.lastResult!),
            plotStatus: plotFailed(failureOf(context.lastResult!), context.plotAttempt, "no attempts left"),
          })),
        },
      ],
    },
    // After the plots, notes.txt describes each one (the seed's last coder prompt); failures keep the study going.
    describing: {
      invoke: {
        src: "describePlots",
        input: ({ context }) => ({
          ideaId: context.ideaId!,
          idea: context.idea!,
          notes: context.notes,
          plots: context.plots,
          plotStatus: context.plotStatus,
        }),
        onDone: { target: "completed", actions: assign({ notes: ({ event }) => event.output }) },
        onError: [
          retryOnBusFault,
          {
            target: "completed",
            actions: assign({
              notes: ({ context, event }) =>
                `${context.notes}\n\nThe plots could not be described in notes.txt: ${errorText(event.error)}\n`,
            }),
          },
        ],
      },
    },
    completed: {
      entry: emitMessage(({ context }) => ({
        type: "study.completed",
        payload: {
          ideaId: context.ideaId,
          idea: context.idea,
          params: context.params,
          baseline: context.baseline,
          runs: context.runs,
          plots: context.plots,
          notes: context.notes,
          evidence: context.evidence,
          plotStatus: context.plotStatus,
        },
      })),
      type: "final",
    },
    failing: {
      entry: emitMessage(({ context }) => ({
        type: "idea.failed",
        payload: { ideaId: context.ideaId, stage: "coder", reason: context.failure },
      })),
      type: "final",
    },
  },
});
