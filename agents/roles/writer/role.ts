import { fromPromise } from "xstate";
import type { Payload } from "../../../bus/index.ts";
import type { RoleDefinition } from "../../runtime/index.ts";
import { checkClaimsActor } from "./claim-effects.ts";
import { writerConfigSchema, type WriterConfig } from "./config.ts";
import { renderLatexActor, storeFixedLatexActor } from "./latex-effects.ts";
import { writerMachine, type ClaimFixInput, type FixInput, type WriterInput } from "./machine.ts";
import { writerLlmPolicy } from "./llm-policy.ts";
import { llmLatexFix } from "./llm-latex-fix.ts";
import { publishPaperActor } from "./publish-paper.ts";
import { writeRulesPaper, type Draft } from "./rules-paper.ts";

/** Writes the paper for a completed study (Markdown, then LaTeX compiled to PDF in the sandbox); every claim is checked against the run artifacts. */
export const writer: RoleDefinition<WriterConfig> = {
  name: "writer",
  description:
    "writes a paper from a completed study (Markdown and a PDF compiled in the sandbox); every claim is checked against the run artifacts (provenance.json) and every results-table number is checked",
  // experiment.finished: the compile results of its own paper.tex (kind latex); every other kind is ignored.
  consumes: ["study.completed", "experiment.finished"],
  emits: ["paper.drafted", "idea.failed", "experiment.requested"],
  configSchema: writerConfigSchema,
  machine: writerMachine,
  input: (context): WriterInput => ({ latexFixes: context.config.latexFixes, claimFixes: context.config.claimFixes, latexTimeoutMs: context.swarm.sandbox.latexTimeoutMs }),
  effects: (context) => ({
    checkClaims: checkClaimsActor(context),
    publishPaper: publishPaperActor(context),
    renderLatex: renderLatexActor(context),
    storeFixedLatex: storeFixedLatexActor(context),
  }),
  needs: ["literature", "model"],
  policies: {
    rules: (context) => ({
      writePaper: fromPromise<Draft, Payload<"study.completed">>(async ({ input }) =>
        writeRulesPaper(context.services.template, input, context.config.relatedWork),
      ),
      // Fixed rules print only what they can trace, and cannot edit: unsupported claims stay on record.
      fixClaims: fromPromise<Draft | null, ClaimFixInput>(async () => null),
      // Fixed rules do not edit LaTeX: a failed compile is recorded as the paper's latexStatus.
      fixLatex: fromPromise<string | null, FixInput>(async () => null),
    }),
    llm: (context) => ({ ...writerLlmPolicy(context), fixLatex: llmLatexFix(context) }),
  },
};
