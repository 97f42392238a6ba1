import type { RoleDefinition } from "../../runtime/index.ts";
import { experimenterConfigSchema, type ExperimenterConfig } from "./config.ts";
import { experimenterMachine } from "./machine.ts";
import { experimenterLlmPolicy } from "./llm-policy.ts";
import { experimenterRulesPolicy } from "./rules-policy.ts";
import { runExperimentActor } from "./run-experiment.ts";

/** Runs experiment and plot code, only ever inside the sandbox. */
export const experimenter: RoleDefinition<ExperimenterConfig> = {
  name: "experimenter",
  description: "runs requested experiments and plots in the sandbox and reports status, results and artifacts",
  consumes: ["experiment.requested"],
  emits: ["experiment.finished"],
  configSchema: experimenterConfigSchema,
  machine: experimenterMachine,
  // Each request is its own actor, so experiments of different ideas never queue behind one another.
  actorKey: (e) => {
    const p = e.payload as { ideaId: string; kind: string; runIndex: number; attempt: number };
    return `${p.ideaId}.${p.kind}.${p.runIndex}.${p.attempt}`;
  },
  effects: (context) => ({ runExperiment: runExperimentActor(context) }),
  needs: ["sandbox"],
  policies: { rules: experimenterRulesPolicy, llm: experimenterLlmPolicy },
};
