import { fromPromise } from "xstate";
import type { Idea, Params } from "../../../bus/index.ts";
import type { ChatMessage, ModelProvider } from "../../llm/index.ts";
import type { RoleContext } from "../../runtime/index.ts";
import { ask, modelFor } from "../shared/llm-kit.ts";
import type { CoderConfig } from "./config.ts";
import { applyEditBlocks, failureReport, parseEditBlocks } from "../shared/edit-blocks.ts";
import {
  ALL_COMPLETED,
  coderSystem,
  EDITABLE,
  editReplySchema,
  noBlocksPrompt,
  notesPrompt,
  plotPrompt,
  runPrompt,
  type EditReply,
} from "./llm-prompts.ts";
import { plotsSection } from "./notes-text.ts";
import { runChanges } from "./run-files.ts";
import { writeCodeRules } from "./rules-policy.ts";
import type {
  DescribePlotsInput,
  FixPlotInput,
  FixPlotOutput,
  PlannedRun,
  WriteCodeInput,
  WriteCodeOutput,
} from "./types.ts";

/**
 * The coder's working copies live in the idea's folder, so a restored actor on any replica continues from them.
 * The model's own notes.txt is kept apart from the idea's notes.txt (the swarm's record of every run), which
 * carries it at the end once the plots are described.
 */
const workPath = (ideaId: string, file: string) => `${ideaId}/coder/${file === "notes.txt" ? "model-notes.txt" : file}`;

/** Not written yet (the first run of this idea) gives the fallback; a bus fault propagates and is retried. */
async function readOr(context: RoleContext, name: string, fallback: string): Promise<string> {
  return context.services.artifacts.getTextOr(name, fallback);
}

function initialNotes(idea: Idea): string {
  return `# Title: ${idea.Title}\n# Experiment description: ${idea.Experiment}\n`;
}

interface EditRound {
  step: string;
  prompt: string;
  files: Record<string, string>;
  editable: readonly string[];
  /** A reply that changes nothing is fine (ALL_COMPLETED, or plot.py already right). */
  mayBeUnchanged: (value: EditReply) => boolean;
  signal: AbortSignal;
}

/**
 * Asks for edit blocks until they all apply, showing the model each failure (≤ editRounds); null with the problem
 * otherwise.
 */
async function editUntilApplied(
  context: RoleContext<CoderConfig>,
  model: ModelProvider,
  round: EditRound,
): Promise<{ files: Record<string, string>; value: EditReply } | { problem: string }> {
  const messages: ChatMessage[] = [{ role: "user", content: round.prompt }];
  let working = round.files;
  let problem = "";
  for (let i = 1; i <= context.config.editRounds; i++) {
    const { value: reply, text } = await ask(context, model, {
      step: round.step,
      system: coderSystem,
      messages,
      schema: editReplySchema,
      schemaName: "edits",
      signal: round.signal,
    });
    messages.push({ role: "assistant", content: text });
    let result;
    try {
      result = applyEditBlocks(working, parseEditBlocks(reply.edits), round.editable);
    } catch (error) {
      problem = (error as Error).message;
      messages.push({
        role: "user",
        content: `Your edit blocks could not be read: ${problem}\nReply again with well-formed blocks.`,
      });
      continue;
    }
    working = result.files;
    if (result.failed.length > 0) {
      problem = result.failed.map((f) => `${f.block.file}: ${f.reason}`).join("; ");
      messages.push({ role: "user", content: failureReport(result.failed, result.applied.length) });
      continue;
    }
    if (!round.mayBeUnchanged(reply) && round.editable.every((f) => working[f] === round.files[f])) {
      problem = "the model proposed no edits";
      messages.push({ role: "user", content: noBlocksPrompt() });
      continue;
    }
    return { files: working, value: reply };
  }
  // Bounded: a model whose edits never apply gives up with the reason, it does not loop.
  return { problem: `no applicable edits after ${context.config.editRounds} round(s): ${problem}` };
}

export function coderLlmPolicy(context: RoleContext<CoderConfig>) {
  const { template, artifacts } = context.services;
  const { maxRuns } = context.config;
  const timeoutSeconds = Math.round((template.sandbox.timeoutMs ?? context.swarm.sandbox.timeoutMs) / 1000);
  const plotTimeoutSeconds = Math.round((template.sandbox.plotTimeoutMs ?? context.swarm.sandbox.plotTimeoutMs) / 1000);
  const saveChanged = async (id: string, before: Record<string, string>, after: Record<string, string>) => {
    for (const file of ["plot.py", "notes.txt"])
      if (after[file] !== undefined && after[file] !== before[file])
        await artifacts.put(workPath(id, file), after[file]!);
  };

  return {
    // As the seed: no plan fixed up front. Each run is decided after the earlier runs' results (≤ maxRuns, or
    // ALL_COMPLETED). The model changes the code itself, so no run claims settings the swarm applied.
    planStudy: fromPromise<PlannedRun[], { ideaId: string; idea: Idea; params: Params }>(async () =>
      Array.from({ length: maxRuns }, (_, i) => ({ runIndex: i + 1, params: {}, note: "" })),
    ),

    writeCode: fromPromise<WriteCodeOutput, WriteCodeInput>(async ({ input, signal }) => {
      // The baseline is the template's code as given, like the seed's precomputed run_0.
      if (input.runIndex === 0) return writeCodeRules(template, input);
      const id = input.ideaId;
      const files: Record<string, string> = {
        "experiment.py": input.previousCode ?? template.files["experiment.py"] ?? "",
        "plot.py": await readOr(context, workPath(id, "plot.py"), template.files["plot.py"] ?? ""),
        "notes.txt": await readOr(context, workPath(id, "notes.txt"), initialNotes(input.idea)),
      };
      const plan = await readOr(context, workPath(id, "plan.txt"), "");
      const prompt = runPrompt({
        idea: input.idea,
        maxRuns,
        plan,
        files,
        baseline: input.baseline,
        runs: input.runs,
        runIndex: input.runIndex,
        attempt: input.attempt,
        lastFailure: input.lastFailure,
        timeoutSeconds,
      });
      const out = await editUntilApplied(context, modelFor(context, id), {
        step: `writing run_${input.runIndex}`,
        prompt,
        files,
        editable: EDITABLE,
        mayBeUnchanged: (v) => v.edits.includes(ALL_COMPLETED),
        signal,
      });
      if ("problem" in out) return { giveUp: out.problem, files: {}, command: [], cacheKey: null };
      const reply = out.value;
      await saveChanged(id, files, out.files);
      if (reply.plan.trim()) await artifacts.put(workPath(id, "plan.txt"), reply.plan);
      const plot: Record<string, string> =
        out.files["plot.py"] !== (template.files["plot.py"] ?? "") ? { "plot.py": out.files["plot.py"]! } : {};
      if (reply.edits.includes(ALL_COMPLETED))
        return { giveUp: null, files: plot, command: [], cacheKey: null, allCompleted: true };
      const prepared = template.prepareRun({}, input.runIndex, out.files["experiment.py"]);
      return {
        giveUp: null,
        files: { ...prepared.files, ...plot },
        command: prepared.command,
        cacheKey: null,
        description: reply.description.trim() || reply.thought.trim(),
        changes: runChanges(template, prepared.files, prepared.command, input.runIndex),
      };
    }),

    fixPlot: fromPromise<FixPlotOutput, FixPlotInput>(async ({ input, signal }) => {
      const id = input.ideaId;
      const files = {
        "experiment.py": input.code ?? template.files["experiment.py"] ?? "",
        "plot.py": input.plotScript,
        "notes.txt": await readOr(context, workPath(id, "notes.txt"), initialNotes(input.idea)),
      };
      const out = await editUntilApplied(context, modelFor(context, id), {
        step: input.lastFailure ? `fixing plot.py (attempt ${input.attempt})` : "preparing plot.py",
        prompt: plotPrompt({
          idea: input.idea,
          files,
          runs: input.runs,
          lastFailure: input.lastFailure,
          timeoutSeconds: plotTimeoutSeconds,
        }),
        files,
        editable: ["plot.py", "notes.txt"],
        // Before the first plot, plot.py may already be right; after a failure, rerunning it unchanged is pointless.
        mayBeUnchanged: () => input.lastFailure === null,
        signal,
      });
      if ("problem" in out) return { giveUp: out.problem, plotScript: input.plotScript };
      await saveChanged(id, files, out.files);
      return { giveUp: null, plotScript: out.files["plot.py"]! };
    }),

    describePlots: fromPromise<string, DescribePlotsInput>(async ({ input, signal }) => {
      const id = input.ideaId;
      const files = {
        "plot.py": await readOr(context, workPath(id, "plot.py"), template.files["plot.py"] ?? ""),
        "notes.txt": await readOr(context, workPath(id, "notes.txt"), initialNotes(input.idea)),
      };
      const figures = Object.keys(input.plots).sort();
      let modelNotes = files["notes.txt"];
      let problem = "";
      if (figures.length > 0) {
        const out = await editUntilApplied(context, modelFor(context, id), {
          step: "describing the plots in notes.txt",
          prompt: notesPrompt(input.idea, files, figures),
          files,
          editable: ["notes.txt"],
          mayBeUnchanged: () => false,
          signal,
        });
        if ("problem" in out) problem = `\n(the coder's plot descriptions could not be applied: ${out.problem})\n`;
        else {
          modelNotes = out.files["notes.txt"]!;
          await saveChanged(id, files, out.files);
        }
      }
      const notes = `${input.notes.trimEnd()}\n\n${plotsSection(input.plots, input.plotStatus)}${problem}\n## notes.txt as the coder wrote it (run and plot descriptions)\n${modelNotes.trim()}\n`;
      await artifacts.put(`${id}/notes.txt`, notes);
      return notes;
    }),
  };
}
