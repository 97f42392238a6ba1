import type { RoleDefinition } from "../../runtime/index.ts";
import { archiveEffects } from "./archive-effects.ts";
import { ideatorConfigSchema, type IdeatorConfig } from "./config.ts";
import { ideatorMachine } from "./machine.ts";
import { ideatorLlmPolicy } from "./llm-policy.ts";
import { ideatorRulesPolicy } from "./rules-policy.ts";

/** Proposes ideas from the template and the archive, keeps the in-flight limit and the budget, ends the run. */
export const ideator: RoleDefinition<IdeatorConfig> = {
  name: "ideator",
  description:
    "proposes ideas conditioned on the archive and decided papers' scores; ends the run when the budget is spent",
  consumes: [
    "run.started",
    "idea.assessed",
    "idea.failed",
    "paper.decided",
    "control.idea-stopped",
    "control.budget-changed",
    "control.constrained",
    "control.promoted",
  ],
  emits: ["idea.proposed", "run.completed"],
  configSchema: ideatorConfigSchema,
  machine: ideatorMachine,
  // One ideator actor per run: it owns the budget and the in-flight count.
  actorKey: (e) => `run-${e.run}`,
  input: (context) => ({ run: context.run }),
  effects: archiveEffects,
  needs: ["model"],
  policies: { rules: ideatorRulesPolicy, llm: ideatorLlmPolicy },
};
