import { assign, setup } from "xstate";
import type { Payload } from "../../../bus/index.ts";
import type { MessageEvent } from "../../runtime/index.ts";
import { emitMessage, errorText, injected, payloadOf, type PublishEvent } from "../shared/machine-kit.ts";
import { LATEX_COMMAND } from "../experimenter/latex-compile.ts";
import type { LatexPaper } from "./latex-paper.ts";
import type { CheckedPaper } from "./publish-paper.ts";
import type { Draft } from "./rules-paper.ts";

type Study = Payload<"study.completed">;
type Finished = Payload<"experiment.finished">;

export interface WriterInput {
  /** Rounds in which the policy may fix paper.tex after a failed compile (the seed's 5). */
  latexFixes?: number;
  latexTimeoutMs?: number;
}

/** What the llm policy gets to fix the paper: the .tex that failed and the end of its log. */
export interface FixInput {
  study: Study;
  tex: string;
  log: string;
  reason: string;
  round: number;
}

interface Ctx {
  study: Study | null;
  draft: Draft | null;
  /** Why writing failed, recorded in idea.failed. */
  error?: string | null;
  paper: CheckedPaper | null;
  latex: LatexPaper | null;
  /** The compile attempt in flight: 1 for the first, +1 after each fix. */
  round: number;
  lastCompile: Finished | null;
  pendingTex: string | null;
  pdf: string | null;
  latexStatus: string;
  latexFixes: number;
  latexTimeoutMs: number;
}

const finishedOf = (event: MessageEvent) => payloadOf<Finished>(event);
const isCompile = (context: Ctx, event: MessageEvent) => {
  const r = finishedOf(event);
  return r.kind === "latex" && r.ideaId === context.study?.ideaId && r.attempt === context.round;
};

/** "compile 2 failed (error): ... — ! Undefined control sequence." */
function compileFailure(r: Finished): string {
  const firstError = r.stderrTail.split("\n").find((l) => l.startsWith("! "));
  return `compile ${r.attempt} failed (${r.status})${r.reason ? `: ${r.reason}` : ""}${firstError ? ` — ${firstError}` : ""}`;
}

/**
 * Writes a paper from a completed study, stores it and checks its numbers against the run artifacts; then renders
 * it as LaTeX and has the experimenter compile it in the sandbox, feeding errors to the policy (≤ latexFixes
 * rounds). paper.drafted is published either way: the Markdown paper stands, with the PDF or the reason it has none.
 */
export const writerMachine = setup({
  types: {} as { context: Ctx; events: MessageEvent; emitted: PublishEvent; input: WriterInput | undefined },
  actors: {
    writePaper: injected<Draft, Study>("writePaper"),
    publishPaper: injected<CheckedPaper, { study: Study; draft: Draft }>("publishPaper"),
    renderLatex: injected<LatexPaper, { study: Study; draft: Draft }>("renderLatex"),
    /** null: this policy cannot edit LaTeX (rules). */
    fixLatex: injected<string | null, FixInput>("fixLatex"),
    storeFixedLatex: injected<LatexPaper, { study: Study; paper: LatexPaper; tex: string }>("storeFixedLatex"),
  },
  guards: {
    compiled: ({ context, event }) => isCompile(context, event) && finishedOf(event).status === "ok" && "paper.pdf" in finishedOf(event).artifacts,
    // Only a compile that ran and left a log is worth a fix; an engine that could not run it is not the paper's fault.
    fixable: ({ context, event }) =>
      isCompile(context, event) && context.round <= context.latexFixes && ["error", "timeout"].includes(finishedOf(event).status) && finishedOf(event).stderrTail !== "",
    isCompile: ({ context, event }) => isCompile(context, event),
  },
}).createMachine({
  id: "writer",
  initial: "idle",
  context: ({ input }) => ({
    study: null,
    draft: null,
    paper: null,
    latex: null,
    round: 0,
    lastCompile: null,
    pendingTex: null,
    pdf: null,
    latexStatus: "not compiled",
    latexFixes: input?.latexFixes ?? 5,
    latexTimeoutMs: input?.latexTimeoutMs ?? 300_000,
  }),
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
        onDone: { target: "rendering", actions: assign({ paper: ({ event }) => event.output }) },
        onError: {
          target: "done",
          actions: emitMessage(({ context, event }) => ({
            type: "idea.failed",
            payload: { ideaId: context.study.ideaId, stage: "writer", reason: `the paper failed its checks: ${errorText(event.error)}` },
          })),
        },
      },
    },
    rendering: {
      invoke: {
        src: "renderLatex",
        input: ({ context }) => ({ study: context.study!, draft: context.draft! }),
        onDone: { target: "compiling", actions: assign({ latex: ({ event }) => event.output, round: 1 }) },
        onError: { target: "drafted", actions: assign({ latexStatus: ({ event }) => `the LaTeX paper was not rendered: ${errorText(event.error)}` }) },
      },
    },
    compiling: {
      entry: emitMessage(({ context }) => ({
        type: "experiment.requested",
        correlation: context.study.ideaId,
        payload: {
          ideaId: context.study.ideaId,
          kind: "latex",
          runIndex: 0,
          attempt: context.round,
          files: { "paper.tex": context.latex.tex, ...(context.latex.bib !== null && { "references.bib": context.latex.bib }) },
          inputs: context.latex.inputs,
          command: [...LATEX_COMMAND],
          timeoutMs: context.latexTimeoutMs,
          cacheKey: null,
        },
      })),
      on: {
        "experiment.finished": [
          { guard: "compiled", target: "drafted", actions: assign({ pdf: ({ event }) => finishedOf(event).artifacts["paper.pdf"]!, latexStatus: "ok" }) },
          { guard: "fixable", target: "fixing", actions: assign({ lastCompile: ({ event }) => finishedOf(event) }) },
          {
            guard: "isCompile",
            target: "drafted",
            actions: assign({
              latexStatus: ({ context, event }) =>
                `${compileFailure(finishedOf(event))}${context.round > context.latexFixes ? `; no fix rounds left (${context.latexFixes})` : ""}`,
            }),
          },
        ],
      },
    },
    fixing: {
      invoke: {
        src: "fixLatex",
        input: ({ context }) => ({
          study: context.study!,
          tex: context.latex!.tex,
          log: context.lastCompile!.stderrTail,
          reason: context.lastCompile!.reason ?? context.lastCompile!.status,
          round: context.round,
        }),
        onDone: [
          {
            guard: ({ event }) => event.output === null,
            target: "drafted",
            actions: assign({ latexStatus: ({ context }) => `${compileFailure(context.lastCompile!)}; the rules policy cannot edit LaTeX, so the Markdown paper stands without a PDF` }),
          },
          { target: "checkingFix", actions: assign({ pendingTex: ({ event }) => event.output }) },
        ],
        onError: { target: "drafted", actions: assign({ latexStatus: ({ context, event }) => `${compileFailure(context.lastCompile!)}; fix ${context.round} failed: ${errorText(event.error)}` }) },
      },
    },
    checkingFix: {
      invoke: {
        src: "storeFixedLatex",
        input: ({ context }) => ({ study: context.study!, paper: context.latex!, tex: context.pendingTex! }),
        onDone: { target: "compiling", actions: assign({ latex: ({ event }) => event.output, round: ({ context }) => context.round + 1, pendingTex: null }) },
        onError: { target: "drafted", actions: assign({ latexStatus: ({ context, event }) => `fix ${context.round} was not compiled: ${errorText(event.error)}` }) },
      },
    },
    drafted: {
      entry: emitMessage(({ context }) => ({ type: "paper.drafted", payload: { ...context.paper, pdf: context.pdf, latexStatus: context.latexStatus } })),
      type: "final",
    },
    failed: {
      entry: emitMessage(({ context }) => ({ type: "idea.failed", payload: { ideaId: context.study.ideaId, stage: "writer", reason: `the writer could not produce a paper${context.error ? `: ${context.error}` : ""}` } })),
      type: "final",
    },
    done: { type: "final" },
  },
});
