import { fromPromise } from "xstate";
import type { Payload } from "../../../bus/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import type { WriterConfig } from "./config.ts";
import type { ClaimFixInput, FixInput } from "./machine.ts";
import { writeRulesPaper, type Draft } from "./rules-paper.ts";

export function writerRulesPolicy(context: RoleContext<WriterConfig>) {
  return {
    writePaper: fromPromise<Draft, Payload<"study.completed">>(async ({ input }) =>
      writeRulesPaper(context.services.template, input, context.config.relatedWork),
    ),
    // Fixed rules print only what they can trace, and cannot edit: unsupported claims stay on record.
    fixClaims: fromPromise<Draft | null, ClaimFixInput>(async () => null),
    // Fixed rules do not edit LaTeX: a failed compile is recorded as the paper's latexStatus.
    fixLatex: fromPromise<string | null, FixInput>(async () => null),
  };
}
