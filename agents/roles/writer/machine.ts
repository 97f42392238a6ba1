import { assign, setup } from "xstate";
import type { Payload } from "../../../bus/index.ts";
import type { ProvenanceReport } from "../../provenance/index.ts";
import type { MessageEvent } from "../../runtime/index.ts";
import { LATEX_COMMAND } from "../experimenter/index.ts";
import { isBudgetExhausted } from "../shared/llm-kit.ts";
import { emitMessage, errorText, injected, payloadOf, type PublishEvent } from "../shared/machine-kit.ts";
import type { LatexPaper } from "./latex-paper.ts";
import type { ClaimCheck, ClaimFixInput, FixInput, WriterInput } from "./machine-types.ts";
import type { CheckedPaper } from "./publish-paper.ts";
import type { Draft } from "./rules-paper.ts";
import {
  compileFailure,
  finishedOf,
  isCompile,
  noRoundsLeft,
  refusedSoFar,
  type WriterContext as Ctx,
} from "./compile-status.ts";
import { retryOnBusFault } from "../shared/bus-faults.ts";

type Study = Payload<"study.completed">;

export type { ClaimCheck, ClaimFixInput, FixInput, WriterInput } from "./machine-types.ts";

/**
 * Writes a paper from a completed study; checks every claim against the run artifacts (the policy may fix the
 * unsupported ones, ≤ claimFixes rounds), stores it with provenance.json and checks its table numbers; then renders
 * it as LaTeX and has the experimenter compile it in the sandbox, feeding errors to the policy (≤ latexFixes
 * rounds; a fix that changes nothing, drops a figure or adds a claim the checked paper does not make is refused
 * before any compile). paper.drafted is published either way: the Markdown paper stands, with the PDF or the
 * reason it has none.
 */
export const writerMachine = setup({
  types: {} as { context: Ctx; events: MessageEvent; emitted: PublishEvent; input: WriterInput | undefined },
  actors: {
    writePaper: injected<Draft, Study>("writePaper"),
    checkClaims: injected<ClaimCheck, { study: Study; draft: Draft }>("checkClaims"),
    /** null: this policy cannot edit claims (rules, whose papers print only what they can trace). */
    fixClaims: injected<Draft | null, ClaimFixInput>("fixClaims"),
    publishPaper: injected<CheckedPaper, { study: Study; draft: Draft; report: ProvenanceReport | null }>(
      "publishPaper",
    ),
    renderLatex: injected<LatexPaper, { study: Study; draft: Draft }>("renderLatex"),
    /** null: this policy cannot edit LaTeX (rules). */
    fixLatex: injected<string | null, FixInput>("fixLatex"),
    storeFixedLatex: injected<LatexPaper, { study: Study; paper: LatexPaper; tex: string; draft: Draft }>(
      "storeFixedLatex",
    ),
  },
  guards: {
    compiled: ({ context, event }) =>
      isCompile(context, event) && finishedOf(event).status === "ok" && "paper.pdf" in finishedOf(event).artifacts,
    // Only a compile that ran and left a log is worth a fix; an engine that could not run it is not the paper's fault.
    fixable: ({ context, event }) =>
      isCompile(context, event) &&
      context.fixes < context.latexFixes &&
      ["error", "timeout"].includes(finishedOf(event).status) &&
      finishedOf(event).stderrTail !== "",
    isCompile: ({ context, event }) => isCompile(context, event),
  },
}).createMachine({
  id: "writer",
  initial: "idle",
  context: ({ input }) => ({
    study: null,
    draft: null,
    claims: null,
    claimRound: 0,
    claimFixes: input?.claimFixes ?? 3,
    paper: null,
    latex: null,
    round: 0,
    fixes: 0,
    refusals: [],
    lastCompile: null,
    pendingTex: null,
    pdf: null,
    textArtifact: null,
    latexStatus: "not compiled",
    latexFixes: input?.latexFixes ?? 5,
    latexTimeoutMs: input?.latexTimeoutMs ?? 300_000,
  }),
  states: {
    idle: {
      on: {
        "study.completed": { target: "writing", actions: assign({ study: ({ event }) => payloadOf<Study>(event) }) },
      },
    },
    writing: {
      invoke: {
        src: "writePaper",
        input: ({ context }) => context.study!,
        onDone: { target: "checkingClaims", actions: assign({ draft: ({ event }) => event.output }) },
        onError: [
          retryOnBusFault,
          {
            target: "failed",
            actions: assign({ draft: null, error: ({ event }) => errorText(event.error) }),
            reenter: false,
          },
        ],
      },
    },
    checkingClaims: {
      invoke: {
        src: "checkClaims",
        input: ({ context }) => ({ study: context.study!, draft: context.draft! }),
        onDone: [
          {
            guard: ({ context, event }) =>
              event.output.report.unsupported > 0 && context.claimRound < context.claimFixes,
            target: "fixingClaims",
            actions: assign({ claims: ({ event }) => event.output }),
          },
          { target: "publishing", actions: assign({ claims: ({ event }) => event.output }) },
        ],
        onError: [
          retryOnBusFault,
          {
            target: "failed",
            actions: assign({ error: ({ event }) => `the provenance check failed: ${errorText(event.error)}` }),
          },
        ],
      },
    },
    fixingClaims: {
      invoke: {
        src: "fixClaims",
        input: ({ context }) => ({
          study: context.study!,
          draft: context.draft!,
          report: context.claims!.report,
          feedback: context.claims!.feedback,
          round: context.claimRound + 1,
        }),
        onDone: [
          { guard: ({ event }) => event.output === null, target: "publishing" },
          {
            target: "checkingClaims",
            actions: assign({
              draft: ({ event }) => event.output!,
              claimRound: ({ context }) => context.claimRound + 1,
            }),
          },
        ],
        onError: [
          retryOnBusFault,
          {
            guard: ({ event }) => isBudgetExhausted(event.error),
            target: "failed",
            actions: assign({ error: ({ event }) => errorText(event.error) }),
          },
          // A fix the model could not give leaves the checked draft as it is: its unsupported claims stay on record.
          { target: "publishing" },
        ],
      },
    },
    publishing: {
      invoke: {
        src: "publishPaper",
        input: ({ context }) => ({
          study: context.study!,
          draft: context.draft!,
          report: context.claims?.report ?? null,
        }),
        onDone: { target: "rendering", actions: assign({ paper: ({ event }) => event.output }) },
        onError: [
          retryOnBusFault,
          {
            target: "done",
            actions: emitMessage(({ context, event }) => ({
              type: "idea.failed",
              payload: {
                ideaId: context.study.ideaId,
                stage: "writer",
                reason: `the paper failed its checks: ${errorText(event.error)}`,
              },
            })),
          },
        ],
      },
    },
    rendering: {
      invoke: {
        src: "renderLatex",
        input: ({ context }) => ({ study: context.study!, draft: context.draft! }),
        onDone: {
          target: "compiling",
          actions: assign({
            latex: ({ event }) => event.output,
            round: 1,
            textArtifact: ({ context }) => `${context.study!.ideaId}/paper.tex`,
          }),
        },
        onError: [
          retryOnBusFault,
          {
            target: "drafted",
            // No LaTeX: reviewers read the Markdown paper.
            actions: assign({
              latexStatus: ({ event }) => `the LaTeX paper was not rendered: ${errorText(event.error)}`,
              textArtifact: ({ context }) => context.paper!.artifact,
            }),
          },
        ],
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
          files: {
            ...context.latex.files,
            "paper.tex": context.latex.tex,
            ...(context.latex.bib !== null && { "references.bib": context.latex.bib }),
          },
          inputs: context.latex.inputs,
          command: [...LATEX_COMMAND],
          timeoutMs: context.latexTimeoutMs,
          cacheKey: null,
        },
      })),
      on: {
        "experiment.finished": [
          {
            guard: "compiled",
            target: "drafted",
            actions: assign({
              pdf: ({ event }) => finishedOf(event).artifacts["paper.pdf"]!,
              // Reviewers read the PDF's text; when pdftotext left none, the LaTeX source stands in.
              textArtifact: ({ context, event }) => finishedOf(event).artifacts["paper.txt"] ?? context.textArtifact,
              latexStatus: "ok",
            }),
          },
          { guard: "fixable", target: "fixing", actions: assign({ lastCompile: ({ event }) => finishedOf(event) }) },
          {
            guard: "isCompile",
            target: "drafted",
            actions: assign({
              latexStatus: ({ context, event }) =>
                `${compileFailure(finishedOf(event))}${refusedSoFar(context)}${context.fixes >= context.latexFixes && finishedOf(event).stderrTail !== "" ? `; no fix rounds left (${context.latexFixes})` : ""}`,
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
          round: context.fixes + 1,
          chktexArtifact: context.lastCompile!.artifacts["chktex.log"] ?? null,
          refusals: context.refusals,
        }),
        onDone: [
          {
            guard: ({ event }) => event.output === null,
            target: "drafted",
            actions: assign({
              latexStatus: ({ context }) =>
                `${compileFailure(context.lastCompile!)}; the rules policy cannot edit LaTeX, so the Markdown paper stands without a PDF`,
            }),
          },
          {
            // Nothing changed: compiling it again would fail the same way. The round is used and the reason kept.
            guard: ({ context, event }) => event.output === context.latex!.tex,
            target: "refused",
            actions: assign({
              fixes: ({ context }) => context.fixes + 1,
              refusals: ({ context }) => [
                ...context.refusals,
                `fix ${context.fixes + 1} returned paper.tex unchanged, so it was not compiled`,
              ],
            }),
          },
          {
            target: "checkingFix",
            actions: assign({ pendingTex: ({ event }) => event.output, fixes: ({ context }) => context.fixes + 1 }),
          },
        ],
        onError: [
          retryOnBusFault,
          {
            target: "drafted",
            actions: assign({
              latexStatus: ({ context, event }) =>
                `${compileFailure(context.lastCompile!)}${refusedSoFar(context)}; fix ${context.fixes + 1} failed: ${errorText(event.error)}`,
            }),
          },
        ],
      },
    },
    checkingFix: {
      invoke: {
        src: "storeFixedLatex",
        input: ({ context }) => ({
          study: context.study!,
          paper: context.latex!,
          tex: context.pendingTex!,
          draft: context.draft!,
        }),
        onDone: {
          target: "compiling",
          actions: assign({
            latex: ({ event }) => event.output,
            round: ({ context }) => context.round + 1,
            pendingTex: null,
          }),
        },
        onError: [
          retryOnBusFault,
          {
            target: "refused",
            actions: assign({
              pendingTex: null,
              refusals: ({ context, event }) => [
                ...context.refusals,
                `fix ${context.fixes} was not compiled: ${errorText(event.error)}`,
              ],
            }),
          },
        ],
      },
    },
    // A refused fix counts as a round: with rounds left the policy tries again (told why), else the paper goes out.
    refused: {
      always: [
        { guard: ({ context }) => context.fixes < context.latexFixes, target: "fixing" },
        { target: "drafted", actions: assign({ latexStatus: ({ context }) => noRoundsLeft(context) }) },
      ],
    },
    drafted: {
      entry: emitMessage(({ context }) => ({
        type: "paper.drafted",
        payload: {
          ...context.paper,
          pdf: context.pdf,
          latexStatus: context.latexStatus,
          textArtifact: context.textArtifact,
        },
      })),
      type: "final",
    },
    failed: {
      entry: emitMessage(({ context }) => ({
        type: "idea.failed",
        payload: {
          ideaId: context.study.ideaId,
          stage: "writer",
          reason: `the writer could not produce a paper${context.error ? `: ${context.error}` : ""}`,
        },
      })),
      type: "final",
    },
    done: { type: "final" },
  },
});
