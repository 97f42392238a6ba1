import type { RoleDefinition } from "../../runtime/index.ts";
import { noveltyConfigSchema, type NoveltyConfig } from "./config.ts";
import { noveltyMachine } from "./machine.ts";
import { noveltyLlmPolicy } from "./llm-policy.ts";
import { noveltyRulesPolicy } from "./rules-policy.ts";

/** Judges novelty against the archive and the literature, keeping the evidence. */
export const novelty: RoleDefinition<NoveltyConfig> = {
  name: "novelty",
  description:
    "checks each proposed idea against the archive and a literature source; verdict novel / not novel with evidence",
  consumes: ["idea.proposed"],
  emits: ["idea.assessed", "idea.failed"],
  configSchema: noveltyConfigSchema,
  machine: noveltyMachine,
  needs: ["literature", "model"],
  corpus: (config) => config.corpus,
  policies: { rules: noveltyRulesPolicy, llm: noveltyLlmPolicy },
};
