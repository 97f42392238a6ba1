import { fromPromise } from "xstate";
import type { Idea, Params } from "../../../bus/index.ts";
import type { ChatMessage } from "../../llm/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import { ask, modelFor } from "../shared/llm-kit.ts";
import type { CoderConfig } from "./config.ts";
import { applyEditBlocks, failureReport, parseEditBlocks } from "./edit-blocks.ts";
import { ALL_COMPLETED, codePrompt, coderSystem, EDITABLE, editReplySchema, noBlocksPrompt, planPrompt, planReplySchema } from "./llm-prompts.ts";
import { writeCodeRules } from "./rules-policy.ts";
import type { PlannedRun, WriteCodeInput, WriteCodeOutput } from "./types.ts";

/** The coder's working copies live in the idea's folder, so a restored actor on any replica continues from them. */
const workPath = (ideaId: string, file: string) => `${ideaId}/coder/${file}`;

async function readOr(context: RoleContext, name: string, fallback: string): Promise<string> {
  try {
    return await context.services.artifacts.getText(name);
  } catch {
    return fallback; // not written yet: the first run of this idea
  }
}

function initialNotes(idea: Idea): string {
  return `# Title: ${idea.Title}\n# Experiment description: ${idea.Experiment}\n`;
}

export function coderLlmPolicy(context: RoleContext<CoderConfig>) {
  const { template, artifacts } = context.services;
  const { maxRuns, editRounds } = context.config;
  const timeoutSeconds = Math.round((template.sandbox.timeoutMs ?? context.swarm.sandbox.timeoutMs) / 1000);

  return {
    planStudy: fromPromise<PlannedRun[], { ideaId: string; idea: Idea; params: Params }>(async ({ input, signal }) => {
      const model = modelFor(context, input.ideaId);
      const { value } = await ask(context, model, {
        step: "planning the runs",
        system: coderSystem,
        messages: [{ role: "user", content: planPrompt(input.idea, maxRuns) }],
        schema: planReplySchema,
        schemaName: "plan",
        signal,
      });
      const plan = value.runs.slice(0, maxRuns).map((r, i) => ({ runIndex: i + 1, params: input.params, note: r.description }));
      await artifacts.put(workPath(input.ideaId, "plan.json"), JSON.stringify(plan, null, 2));
      return plan;
    }),

    writeCode: fromPromise<WriteCodeOutput, WriteCodeInput>(async ({ input, signal }) => {
      // The baseline is the template's code as given, like the seed's precomputed run_0.
      if (input.runIndex === 0) return writeCodeRules(template, input);
      const id = input.ideaId;
      const plan = (JSON.parse(await readOr(context, workPath(id, "plan.json"), "[]")) as PlannedRun[]).map((p) => p.note);
      const files: Record<string, string> = {
        "experiment.py": input.previousCode ?? template.files["experiment.py"] ?? "",
        "plot.py": await readOr(context, workPath(id, "plot.py"), template.files["plot.py"] ?? ""),
        "notes.txt": await readOr(context, workPath(id, "notes.txt"), initialNotes(input.idea)),
      };
      const history = await readOr(context, `${id}/notes.txt`, "");
      const model = modelFor(context, id);
      const messages: ChatMessage[] = [
        {
          role: "user",
          content: codePrompt({ idea: input.idea, maxRuns, plan, files, history, runIndex: input.runIndex, attempt: input.attempt, lastFailure: input.lastFailure, timeoutSeconds }),
        },
      ];
      let working = files;
      let problem = "";
      for (let round = 1; round <= editRounds; round++) {
        const { value, text } = await ask(context, model, { step: `writing run_${input.runIndex}`, system: coderSystem, messages, schema: editReplySchema, schemaName: "edits", signal });
        messages.push({ role: "assistant", content: text });
        const done = value.edits.includes(ALL_COMPLETED);
        let result;
        try {
          result = applyEditBlocks(working, parseEditBlocks(value.edits), EDITABLE);
        } catch (error) {
          problem = (error as Error).message;
          messages.push({ role: "user", content: `Your edit blocks could not be read: ${problem}\nReply again with well-formed blocks.` });
          continue;
        }
        working = result.files;
        if (result.failed.length > 0) {
          problem = result.failed.map((f) => `${f.block.file}: ${f.reason}`).join("; ");
          messages.push({ role: "user", content: failureReport(result.failed, result.applied.length) });
          continue;
        }
        if (!done && EDITABLE.every((f) => working[f] === files[f])) {
          problem = "the model proposed no edits";
          messages.push({ role: "user", content: noBlocksPrompt() });
          continue;
        }
        if (working["plot.py"] !== files["plot.py"]) await artifacts.put(workPath(id, "plot.py"), working["plot.py"]!);
        if (working["notes.txt"] !== files["notes.txt"]) await artifacts.put(workPath(id, "notes.txt"), working["notes.txt"]!);
        const plot: Record<string, string> = working["plot.py"] !== (template.files["plot.py"] ?? "") ? { "plot.py": working["plot.py"]! } : {};
        if (done) return { giveUp: null, files: plot, command: [], cacheKey: null, allCompleted: true };
        return {
          giveUp: null,
          files: { "experiment.py": working["experiment.py"]!, ...plot },
          command: ["python3", "experiment.py", `--out_dir=run_${input.runIndex}`],
          cacheKey: null,
        };
      }
      // Bounded: a model whose edits never apply gives up on this run with the reason, it does not loop.
      return { giveUp: `no applicable edits after ${editRounds} round(s): ${problem}`, files: {}, command: [], cacheKey: null };
    }),
  };
}
