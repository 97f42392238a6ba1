import type { RoleDefinition } from "../../runtime/index.ts";
import { checkClaimsActor } from "./claim-effects.ts";
import { writerConfigSchema, type WriterConfig } from "./config.ts";
import { renderLatexActor, storeFixedLatexActor } from "./latex-effects.ts";
import { writerMachine, type WriterInput } from "./machine.ts";
import { writerLlmPolicy } from "./llm-policy.ts";
import { publishPaperActor } from "./publish-paper.ts";
import { writerRulesPolicy } from "./rules-policy.ts";

/**
 * Writes the paper for a completed study (Markdown, then LaTeX compiled to PDF in the sandbox); every claim is checked
 * against the run artifacts.
 */
export const writer: RoleDefinition<WriterConfig> = {
  name: "writer",
  description:
    "writes a paper from a completed study (Markdown and a PDF compiled in the sandbox); every claim is checked against the run artifacts (provenance.json) and every results-table number is checked",
  // experiment.finished: the compile results of its own paper.tex (kind latex); every other kind is ignored.
  consumes: ["study.completed", "experiment.finished"],
  emits: ["paper.drafted", "idea.failed", "experiment.requested"],
  configSchema: writerConfigSchema,
  machine: writerMachine,
  input: (context): WriterInput => ({
    latexFixes: context.config.latexFixes,
    claimFixes: context.config.claimFixes,
    latexTimeoutMs: context.swarm.sandbox.latexTimeoutMs,
  }),
  effects: (context) => ({
    checkClaims: checkClaimsActor(context),
    publishPaper: publishPaperActor(context),
    renderLatex: renderLatexActor(context),
    storeFixedLatex: storeFixedLatexActor(context),
  }),
  needs: ["literature", "model"],
  policies: { rules: writerRulesPolicy, llm: writerLlmPolicy },
};
