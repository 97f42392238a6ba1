// The seed's coder prompts (perform_experiments.py), which drive aider: coder_prompt (plan, with the baseline's
// results, then implement run 1), next_prompt after each run ("Run i completed. Here are the results: ... decide if
// you need to re-plan ... ALL_COMPLETED"), the error prompts, then plot.py ("Great job! ...") and notes.txt.
// Each call is one fresh conversation rebuilt from stored state (the files, the model's plan, every run with its
// results), so any replica can continue an idea.
import { z } from "zod";
import type { FinalInfo, Idea, RunResult } from "../../../bus/index.ts";
import type { Failure } from "./types.ts";

// One reply shape for every coder call (runs, plot.py, notes.txt). plan and description default to "" when parsed,
// yet the wire schema (zod's output view) lists them as required, so a model is asked for them in strict mode.
export const editReplySchema = z
  .object({
    thought: z.string(),
    plan: z
      .string()
      .default("")
      .describe("your list of planned experiments for the remaining runs, revised when the results call for it"),
    description: z
      .string()
      .default("")
      .describe("what the run you are implementing now changes, in one or two sentences (empty otherwise)"),
    edits: z
      .string()
      .describe(
        "SEARCH/REPLACE blocks, each preceded by the file name; or ALL_COMPLETED when finished with experiments",
      ),
  })
  .strict();
export type EditReply = z.infer<typeof editReplySchema>;

export const ALL_COMPLETED = "ALL_COMPLETED";
export const EDITABLE = ["experiment.py", "plot.py", "notes.txt"] as const;

export const coderSystem = `Act as an expert software developer and ML researcher. You make changes to the files you are given by replying with *SEARCH/REPLACE* blocks.

Every *SEARCH/REPLACE* block must use this format:
1. The file name alone on a line: experiment.py, plot.py or notes.txt
2. The start of search block: <<<<<<< SEARCH
3. A contiguous chunk of lines to search for in the existing source code
4. The dividing line: =======
5. The lines to replace into the source code
6. The end of the replace block: >>>>>>> REPLACE

The SEARCH section must *EXACTLY MATCH* the existing file content, character for character, including all comments, docstrings and white space.
Keep SEARCH sections small: include just the changing lines and a few surrounding lines if needed for uniqueness.
To append to a file, use an empty SEARCH section.
Put the blocks, and nothing else, in the "edits" field of your JSON reply; explain yourself in "thought".`;

/** The seed's results view: `{dataset: means}`. */
export function meansOf(info: FinalInfo | null): string {
  if (!info) return "(no results)";
  return JSON.stringify(Object.fromEntries(Object.entries(info).map(([k, v]) => [k, v.means])));
}

export interface RunState {
  idea: Idea;
  maxRuns: number;
  /** The model's plan as it last wrote it ("" before run 1). */
  plan: string;
  files: Record<string, string>;
  baseline: FinalInfo | null;
  /** Every run finished so far (run_0 first). */
  runs: RunResult[];
  runIndex: number;
  attempt: number;
  lastFailure: Failure | null;
  timeoutSeconds: number;
}

function filesBlock(files: Record<string, string>, names: readonly string[] = EDITABLE): string {
  return names.map((name) => `${name}\n\`\`\`\n${files[name] ?? ""}\n\`\`\``).join("\n\n");
}

function historyBlock(runs: RunResult[]): string {
  const lines = runs
    .filter((r) => r.runIndex > 0)
    .map(
      (r) =>
        `- run_${r.runIndex} (${r.status}${r.status === "ok" ? "" : `: ${r.reason ?? "no reason"}`}): ${r.description || "(no description)"}${r.finalInfo ? `\n  results: ${meansOf(r.finalInfo)}` : ""}`,
    );
  return lines.length ? lines.join("\n") : "(none yet)";
}

const commandOf = (run: number) => `python experiment.py --out_dir=run_${run}`;
const COMMAND_RULE = "YOUR PROPOSED CHANGE MUST USE THIS COMMAND FORMAT, DO NOT ADD ADDITIONAL COMMAND LINE ARGS.";
const FILE_REPLY = `Reply with a JSON object: "thought" and "edits" ("plan" and "description" may stay empty).`;
const REPLY = `Reply with a JSON object: "thought", "plan" (your plan for the remaining runs), "description" (what this run changes) and "edits".`;

/** coder_prompt, for run 1: plan with the baseline's results in view, then implement the first run. */
function firstRun(s: RunState): string {
  return `Your goal is to implement the following idea: ${s.idea.Title}.
The proposed experiment is as follows: ${s.idea.Experiment}.
You are given a total of up to ${s.maxRuns} runs to complete the necessary experiments. You do not need to use all ${s.maxRuns}.

First, plan the list of experiments you would like to run. For example, if you are sweeping over a specific hyperparameter, plan each value you would like to test for each run.

Note that we already provide the vanilla baseline results, so you do not need to re-run it.

For reference, the baseline results are as follows:

${meansOf(s.baseline)}

After you complete each change, we will run the command \`python experiment.py --out_dir=run_i' where i is the run number and evaluate the results.
${COMMAND_RULE}
You can then implement the next thing on your list.

The current files:

${filesBlock(s.files)}

Implement run_1 now. ${REPLY}`;
}

/** Context every later prompt starts from: the idea, the baseline, the model's plan and what each run did. */
function recap(s: RunState): string {
  return `Your goal is to implement the following idea: ${s.idea.Title}.
The proposed experiment is as follows: ${s.idea.Experiment}.
You are given a total of up to ${s.maxRuns} runs (run_1 to run_${s.maxRuns}); the baseline run_0's results: ${meansOf(s.baseline)}

Your plan, as you last wrote it:
${s.plan || "(no plan written)"}

The runs so far:
${historyBlock(s.runs)}

The current files:

${filesBlock(s.files)}`;
}

/** next_prompt: the previous run's outcome, then the next run or ALL_COMPLETED. */
function nextRun(s: RunState): string {
  const prev = s.runs.at(-1);
  const n = s.runIndex - 1;
  const outcome =
    prev?.status === "ok"
      ? `Run ${n} completed. Here are the results:\n${meansOf(prev.finalInfo)}`
      : `Run ${n} failed after ${prev?.attempts ?? 0} attempt(s) and was not repaired: ${prev?.reason ?? "no reason"}`;
  const last = s.runIndex >= s.maxRuns ? `\nThis is your last run (run_${s.runIndex} of ${s.maxRuns}).` : "";
  return `${recap(s)}

${outcome}

Decide if you need to re-plan your experiments given the result (you often will not need to).

Someone else will be using \`notes.txt\` to perform a writeup on this in the future.
Please include *all* relevant information for the writeup on Run ${n}, including an experiment description and the run number. Be as verbose as necessary.

Then, implement the next thing on your list.
We will then run the command \`${commandOf(s.runIndex)}'.
${COMMAND_RULE}
If you are finished with experiments, respond with '${ALL_COMPLETED}' in "edits" (notes.txt blocks may come before it).${last}
${REPLY}`;
}

function retry(s: RunState): string {
  const f = s.lastFailure!;
  const what =
    f.status === "timeout"
      ? `Run timed out after ${s.timeoutSeconds} seconds`
      : `Run failed with the following error ${f.stderrTail || f.reason || f.status}`;
  return `${recap(s)}

${what}

Fix the code so that \`${commandOf(s.runIndex)}' succeeds (run_${s.runIndex}, attempt ${s.attempt}). ${REPLY}`;
}

export function runPrompt(s: RunState): string {
  if (s.attempt > 1 && s.lastFailure) return retry(s);
  return s.runIndex === 1 ? firstRun(s) : nextRun(s);
}

export interface PlotState {
  idea: Idea;
  /** plot.py and notes.txt, editable; experiment.py as the last run left it, for reference. */
  files: Record<string, string>;
  runs: RunResult[];
  lastFailure: Failure | null;
  timeoutSeconds: number;
}

/** The seed's plot prompt before the first plot; its error prompt after a failed one. */
export function plotPrompt(s: PlotState): string {
  const head = `Your idea: ${s.idea.Title}.\n\nThe runs made (run_0 is the baseline):\n${historyBlock(s.runs)}\n\nThe current files:\n\n${filesBlock(s.files, ["experiment.py", "plot.py", "notes.txt"])}\n\nYou may edit plot.py and notes.txt.`;
  const f = s.lastFailure;
  if (f) {
    const what =
      f.status === "timeout"
        ? `Plotting timed out after ${s.timeoutSeconds} seconds`
        : `Plotting failed with the following error ${f.stderrTail || f.reason || f.status}`;
    return `${head}\n\n${what}\n\nFix \`plot.py\` so that \`python plot.py\` succeeds. ${FILE_REPLY}`;
  }
  return `${head}

Great job! Please modify \`plot.py\` to generate the most relevant plots for the final writeup.

In particular, be sure to fill in the "labels" dictionary with the correct names for each run that you want to plot.

Only the runs in the \`labels\` dictionary will be plotted, so make sure to include all relevant runs.

We will be running the command \`python plot.py\` to generate the plots.
${FILE_REPLY} Empty "edits" keep plot.py as it is.`;
}

/** The seed's last coder prompt: describe each figure in notes.txt. */
export function notesPrompt(idea: Idea, files: Record<string, string>, figures: string[]): string {
  return `Your idea: ${idea.Title}.

The figures plot.py wrote: ${figures.join(", ")}

The current files:

${filesBlock(files, ["plot.py", "notes.txt"])}

Please modify \`notes.txt\` with a description of what each plot shows along with the filename of the figure. Please do so in-depth.

Somebody else will be using \`notes.txt\` to write a report on this in the future.
${FILE_REPLY}`;
}

export function noBlocksPrompt(): string {
  return `Your reply contained no SEARCH/REPLACE blocks, so nothing would change. Reply with the edits for this run, or '${ALL_COMPLETED}' if you are finished with experiments.`;
}
