import { fromPromise } from "xstate";
import type { Payload } from "../../../bus/index.ts";
import type { RoleDefinition } from "../../runtime/index.ts";
import { writerConfigSchema, type WriterConfig } from "./config.ts";
import { writerMachine } from "./machine.ts";
import { writerLlmPolicy } from "./llm-policy.ts";
import { publishPaperActor } from "./publish-paper.ts";
import { writeRulesPaper, type Draft } from "./rules-paper.ts";

/** Writes the paper for a completed study (Markdown for now) with its checked results table and figures. */
export const writer: RoleDefinition<WriterConfig> = {
  name: "writer",
  description: "writes a paper from a completed study; every results-table number is checked against the run artifacts",
  consumes: ["study.completed"],
  emits: ["paper.drafted", "idea.failed"],
  configSchema: writerConfigSchema,
  machine: writerMachine,
  effects: (context) => ({ publishPaper: publishPaperActor(context) }),
  policies: {
    rules: (context) => ({
      writePaper: fromPromise<Draft, Payload<"study.completed">>(async ({ input }) =>
        writeRulesPaper(context.services.template, input, context.config.relatedWork),
      ),
    }),
    llm: writerLlmPolicy,
  },
};
