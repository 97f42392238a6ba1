import type { RoleDefinition } from "../../runtime/index.ts";
import { coderConfigSchema, type CoderConfig } from "./config.ts";
import { coderMachine, type CoderInput } from "./machine.ts";
import { recordRunActor } from "./record-run.ts";
import { coderLlmPolicy } from "./llm-policy.ts";
import { coderRulesPolicy } from "./rules-policy.ts";

/** Turns a novel idea into experiments: the baseline, up to maxRuns runs of maxAttempts each, then plots and notes. */
export const coder: RoleDefinition<CoderConfig> = {
  name: "coder",
  description:
    "runs a novel idea's baseline, then decides and writes each run (retrying failures with the stderr tail), requests plots (plot.py failures go back to the policy) and writes notes.txt",
  consumes: ["idea.assessed", "experiment.finished"],
  emits: ["experiment.requested", "study.completed", "idea.failed"],
  configSchema: coderConfigSchema,
  machine: coderMachine,
  input: (context): CoderInput => ({
    maxAttempts: context.config.maxAttempts,
    timeoutMs: context.services.template.sandbox.timeoutMs ?? context.swarm.sandbox.timeoutMs,
    plotTimeoutMs: context.services.template.sandbox.plotTimeoutMs ?? context.swarm.sandbox.plotTimeoutMs,
    plotScript: context.services.template.files["plot.py"] ?? "",
  }),
  effects: (context) => ({ recordRun: recordRunActor(context) }),
  needs: ["model"],
  // Edits code greedily (aider's default).
  temperature: 0,
  policies: { rules: coderRulesPolicy, llm: coderLlmPolicy },
};
