// The seed's coder prompts (perform_experiments.py), which drive aider: plan up to max_runs runs, implement each as
// SEARCH/REPLACE edits, read each run's results (or its error) and continue, reply ALL_COMPLETED when finished,
// edit plot.py's `labels` for the plots and notes.txt for the writeup. Each writeCode call is one fresh conversation
// rebuilt from stored state (the files, the plan, notes with every run's results), so any replica can continue.
import { z } from "zod";
import type { Idea } from "../../../bus/index.ts";
import type { Failure } from "./types.ts";

export const planReplySchema = z
  .object({
    thought: z.string(),
    runs: z.array(z.object({ description: z.string().min(1) }).strict()).min(1).describe("one entry per run, run_1 first"),
  })
  .strict();

export const editReplySchema = z
  .object({
    thought: z.string(),
    edits: z.string().describe("SEARCH/REPLACE blocks, each preceded by the file name; or ALL_COMPLETED when finished"),
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

export function planPrompt(idea: Idea, maxRuns: number): string {
  return `Your goal is to implement the following idea: ${idea.Title}.
The proposed experiment is as follows: ${idea.Experiment}.
You are given a total of up to ${maxRuns} runs to complete the necessary experiments. You do not need to use all ${maxRuns}.

First, plan the list of experiments you would like to run. For example, if you are sweeping over a specific hyperparameter, plan each value you would like to test for each run.

Note that we already provide the vanilla baseline results (run_0), so you do not need to re-run it.

After you complete each change, we will run the command \`python experiment.py --out_dir=run_i' where i is the run number and evaluate the results.
YOUR PROPOSED CHANGE MUST USE THIS COMMAND FORMAT, DO NOT ADD ADDITIONAL COMMAND LINE ARGS.

Reply with a JSON object: "thought" (your reasoning) and "runs" (one short description per run, run_1 first, at most ${maxRuns}).`;
}

export interface CodeState {
  idea: Idea;
  maxRuns: number;
  plan: string[];
  files: Record<string, string>;
  /** notes.txt as the swarm records it: every run so far with its results. */
  history: string;
  runIndex: number;
  attempt: number;
  lastFailure: Failure | null;
  timeoutSeconds: number;
}

function filesBlock(files: Record<string, string>): string {
  return EDITABLE.map((name) => `${name}\n\`\`\`\n${files[name] ?? ""}\n\`\`\``).join("\n\n");
}

function instruction(s: CodeState): string {
  const run = s.runIndex;
  const command = `python experiment.py --out_dir=run_${run}`;
  const last = run >= s.plan.length;
  const finishing = last
    ? `\nThis is the last planned run: also modify \`plot.py\` to generate the most relevant plots for the final writeup. In particular, be sure to fill in the "labels" dictionary with the correct names for each run that you want to plot (run_0 to run_${run}). Only the runs in the \`labels\` dictionary will be plotted.`
    : "";
  if (s.attempt > 1 && s.lastFailure) {
    const f = s.lastFailure;
    const what = f.status === "timeout" ? `Run timed out after ${s.timeoutSeconds} seconds` : `Run failed with the following error ${f.stderrTail || f.reason || f.status}`;
    return `${what}\n\nFix the code so that \`${command}' succeeds (attempt ${s.attempt}).`;
  }
  if (run === 1) {
    return `Implement run_1 of your plan now. We will then run the command \`${command}'.\nYOUR PROPOSED CHANGE MUST USE THIS COMMAND FORMAT, DO NOT ADD ADDITIONAL COMMAND LINE ARGS.${finishing}`;
  }
  return `Run ${run - 1} completed (its results are in the run history above).

Decide if you need to re-plan your experiments given the result (you often will not need to).

Someone else will be using \`notes.txt\` to perform a writeup on this in the future.
Please include *all* relevant information for the writeup on Run ${run - 1}, including an experiment description and the run number. Be as verbose as necessary.

Then, implement the next thing on your list.
We will then run the command \`${command}'.
YOUR PROPOSED CHANGE MUST USE THIS COMMAND FORMAT, DO NOT ADD ADDITIONAL COMMAND LINE ARGS.
If you are finished with experiments, respond with '${ALL_COMPLETED}' in "edits" (you may put plot.py and notes.txt blocks before it).${finishing}`;
}

export function codePrompt(s: CodeState): string {
  return `Your goal is to implement the following idea: ${s.idea.Title}.
The proposed experiment is as follows: ${s.idea.Experiment}.
You are given a total of up to ${s.maxRuns} runs; your plan:
${s.plan.map((p, i) => `- run_${i + 1}: ${p}`).join("\n")}

The run history so far (run_0 is the vanilla baseline):
${s.history || "(no runs recorded yet)"}

The current files:

${filesBlock(s.files)}

${instruction(s)}`;
}

export function noBlocksPrompt(): string {
  return `Your reply contained no SEARCH/REPLACE blocks, so nothing would change. Reply with the edits for this run, or '${ALL_COMPLETED}' if you are finished with experiments.`;
}
