import { assign, setup } from "xstate";
import type { Payload, RunResult } from "../../../bus/index.ts";
import type { MessageEvent } from "../../runtime/index.ts";
import { emitMessage, errorText, injected, payloadOf, type PublishEvent } from "../shared/machine-kit.ts";
import type { CoderContext, PlannedRun, WriteCodeInput, WriteCodeOutput } from "./types.ts";

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

/** Turns a novel idea into a baseline run, planned runs (each with bounded attempts), a plot, and a study. */
export const coderMachine = setup({
  types: {} as { context: Ctx; events: MessageEvent; input: CoderInput; emitted: PublishEvent },
  actors: {
    planStudy: injected<PlannedRun[], { ideaId: string; idea: Assessed["idea"]; params: Assessed["params"] }>("planStudy"),
    writeCode: injected<WriteCodeOutput, WriteCodeInput>("writeCode"),
    recordRun: injected<string, { context: CoderContext; result: Finished; code: string | null }>("recordRun"),
  },
  guards: {
    novel: ({ event }) => payloadOf<Assessed>(event).novel,
    isCurrent: ({ context, event }) => {
      const r = payloadOf<Finished>(event);
      return r.kind === "experiment" && r.runIndex === context.current?.runIndex && r.attempt === context.current?.attempt;
    },
    isPlot: ({ event }) => payloadOf<Finished>(event).kind === "plot",
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
        onDone: { target: "coding", actions: assign({ plan: ({ event }) => event.output, current: { runIndex: 0, attempt: 1 } }) },
        onError: { target: "failing", actions: assign({ failure: ({ event }) => `planning failed: ${errorText(event.error)}` }) },
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
            actions: assign({ lastFailure: ({ context, event }) => ({ status: context.lastFailure?.status ?? "error", reason: event.output.giveUp, stderrTail: context.lastFailure?.stderrTail ?? "" }) }),
          },
          {
            target: "awaiting",
            actions: [
              assign({
                currentCode: ({ event }) => event.output.files["experiment.py"] ?? null,
                // A policy that edits plot.py (the llm coder fills its labels) has its version plotted.
                plotScript: ({ context, event }) => event.output.files["plot.py"] ?? context.plotScript,
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
        onError: { target: "runFailed", actions: assign({ lastFailure: ({ event }) => ({ status: "error", reason: `the coder failed: ${errorText(event.error)}`, stderrTail: "" }) }) },
      },
    },
    awaiting: {
      on: { "experiment.finished": { guard: "isCurrent", target: "recording", actions: assign({ lastResult: ({ event }) => payloadOf<Finished>(event) }) } },
    },
    recording: {
      invoke: {
        src: "recordRun",
        input: ({ context }) => ({ context, result: context.lastResult!, code: context.currentCode }),
        onDone: { target: "deciding", actions: assign({ notes: ({ event }) => event.output }) },
        onError: { target: "deciding" },
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
            lastFailure: { status: context.lastResult!.status, reason: context.lastResult!.reason, stderrTail: context.lastResult!.stderrTail },
          })),
        },
        {
          target: "runFailed",
          actions: assign(({ context }) => ({
            lastFailure: { status: context.lastResult!.status, reason: context.lastResult!.reason, stderrTail: context.lastResult!.stderrTail },
          })),
        },
      ],
    },
    runFailed: {
      always: [
        {
          guard: "baselineFailed",
          target: "failing",
          actions: assign({ failure: ({ context }) => `the baseline run_0 failed (${context.lastFailure?.status}): ${context.lastFailure?.reason ?? "no reason given"}` }),
        },
        { target: "nextRun", actions: assign({ runs: ({ context }) => [...context.runs, runResult(context, "failed")], lastFailure: null }) },
      ],
    },
    nextRun: {
      always: [
        {
          guard: "moreRuns",
          target: "coding",
          actions: assign({
            current: ({ context }) => ({
              runIndex: Math.min(...context.plan.filter((p) => p.runIndex > context.current!.runIndex).map((p) => p.runIndex)),
              attempt: 1,
            }),
            lastResult: null,
          }),
        },
        { guard: ({ context }) => !context.runs.some((r) => r.runIndex > 0 && r.status === "ok"), target: "failing", actions: assign({ failure: ({ context }) => `every planned run failed; nothing to write up (last: ${context.runs.at(-1)?.reason ?? "no run was made"})` }) },
        { target: "plotting" },
      ],
    },
    plotting: {
      entry: emitMessage(({ context }) => ({
        type: "experiment.requested",
        payload: {
          ideaId: context.ideaId,
          kind: "plot",
          runIndex: 0,
          attempt: 1,
          files: { "plot.py": context.plotScript },
          inputs: context.runArtifacts,
          command: ["python3", "plot.py"],
          timeoutMs: context.plotTimeoutMs,
          cacheKey: null,
        },
      })),
      on: { "experiment.finished": { guard: "isPlot", target: "completed", actions: assign({ plots: ({ event }) => plotsOf(payloadOf<Finished>(event)) }) } },
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
        },
      })),
      type: "final",
    },
    failing: {
      entry: emitMessage(({ context }) => ({ type: "idea.failed", payload: { ideaId: context.ideaId, stage: "coder", reason: context.failure } })),
      type: "final",
    },
  },
});

function runResult(context: Ctx, outcome: "ok" | "failed"): RunResult {
  const r = context.lastResult;
  return {
    runIndex: context.current!.runIndex,
    params: context.plan.find((p) => p.runIndex === context.current!.runIndex)?.params ?? {},
    status: r?.status ?? "error",
    finalInfo: outcome === "ok" ? r?.finalInfo ?? null : null,
    attempts: context.current!.attempt,
    reason: outcome === "ok" ? null : context.lastFailure?.reason ?? r?.reason ?? null,
    description: context.plan.find((p) => p.runIndex === context.current!.runIndex)?.note ?? (context.current!.runIndex === 0 ? "baseline" : ""),
  };
}

function plotsOf(result: Finished): Record<string, string> {
  if (result.status !== "ok") return {};
  return Object.fromEntries(Object.entries(result.artifacts).filter(([path]) => /\.(png|svg|pdf|jpe?g)$/i.test(path)));
}
