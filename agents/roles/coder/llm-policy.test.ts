import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProvider, LlmError, scriptedProvider, type ModelProvider } from "../../llm/index.ts";
import { llmContext } from "../../../tests/support/llm-context.ts";
import { MachineHarness, tinyTemplate } from "../../../tests/support/machine-harness.ts";
import {
  researcherReply,
  startResearchServer,
  type ChatRequest,
  type ResearchServer,
} from "../../../tests/support/scripted-research-server.ts";
import { join } from "node:path";
import { repoRoot } from "../../../config/index.ts";
import { loadTemplateInfo, type TemplateInfo } from "../../runtime/index.ts";
import { applyEditBlocks, parseEditBlocks } from "../shared/edit-blocks.ts";
import { coderLlmPolicy } from "./llm-policy.ts";
import { coderMachine } from "./machine.ts";
import { recordRunActor } from "./record-run.ts";

const idea = {
  Name: "lr_1",
  Title: "Large learning rate",
  Experiment: "Use lr 1.",
  Interestingness: 5,
  Feasibility: 9,
  Novelty: 7,
};
const assessed = { ideaId: "i1", idea, params: {}, novel: true, reason: "r", rounds: 1, evidence: [] };
const baseConfig = { maxRuns: 5, maxAttempts: 4, rulesRuns: 2, editRounds: 2 };

const block = (file: string, search: string, replace: string) =>
  `${file}\n<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE`;
const lrEdit = block("experiment.py", 'PARAMS = {"lr": 0.1, "width": 8}', 'PARAMS = {"lr": 1, "width": 8}');
const run = (edits: string, description = "raise lr to 1", plan = "run_1: lr 1; run_2: lr 2") => ({
  object: { thought: "edit", plan, description, edits },
});
const fileEdits = (edits: string) => ({ object: { thought: "files", edits } }); // plan and description left out: they default to ""
const plotEdit = block("plot.py", "print('plot')", "labels = {'run_0': 'baseline', 'run_1': 'lr 1'}\nprint('plot')");
const notesEdit = block("notes.txt", "", "Figure acc.png shows validation accuracy of run_0 and run_1 per epoch.");

function finished(runIndex: number, status: string, kind = "experiment", attempt = 1) {
  return {
    ideaId: "i1",
    kind,
    runIndex,
    attempt,
    status,
    exitCode: status === "ok" ? 0 : 1,
    reason: status === "ok" ? null : "boom",
    stderrTail: status === "ok" ? "" : "Traceback: NameError: x",
    finalInfo: status === "ok" && kind === "experiment" ? { moons: { means: { acc: 0.5 + runIndex / 10 } } } : null,
    artifacts: kind === "plot" && status === "ok" ? { "acc.png": "i1/acc.png" } : {},
    usage: { wallMs: 1, cpuMs: null, peakMemoryBytes: null, bytesWritten: null },
    image: "img",
    reused: false,
  };
}

function harnessWith(provider: ModelProvider, config = baseConfig, template: TemplateInfo = tinyTemplate) {
  const context = llmContext("coder", config, provider);
  context.services.template = template;
  const machine = coderMachine.provide({
    actors: { ...coderLlmPolicy(context), recordRun: recordRunActor(context) } as never,
  });
  const h = new MachineHarness(machine, {
    maxAttempts: 2,
    timeoutMs: 1000,
    plotTimeoutMs: 500,
    plotScript: template.files["plot.py"],
  });
  return { h, context };
}

function harness(script: Parameters<typeof scriptedProvider>[0], config = baseConfig) {
  const provider = scriptedProvider(script);
  return { provider, ...harnessWith(provider, config) };
}

const userText = (provider: ReturnType<typeof scriptedProvider>, i: number) =>
  provider.requests[i]!.messages.map((m) => m.content).join("\n");

describe("SEARCH/REPLACE edit blocks", () => {
  it("applies a matching block and reports one that does not match instead of skipping it", () => {
    const blocks = parseEditBlocks(
      `Here:\n\`\`\`python\n${lrEdit}\n\`\`\`\n${block("experiment.py", "nothing like this", "x")}`,
    );
    expect(blocks).toHaveLength(2);
    const result = applyEditBlocks({ "experiment.py": tinyTemplate.files["experiment.py"]! }, blocks, [
      "experiment.py",
    ]);
    expect(result.files["experiment.py"]).toContain('"lr": 1,');
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]!.reason).toContain("does not match");
  });
});

describe("llm coder policy", () => {
  it("decides run 2 after seeing run 1's results, stops at ALL_COMPLETED, fixes up plot.py and describes the plots in notes.txt", async () => {
    const { h, provider, context } = harness([
      run(lrEdit),
      run(
        `${notesEdit.replace("Figure acc.png shows validation accuracy of run_0 and run_1 per epoch.", "Run 1: lr 1 reached acc 0.6.")}\nALL_COMPLETED`,
        "",
      ),
      fileEdits(plotEdit),
      fileEdits(notesEdit),
    ]);
    const [baseline] = await h.send("idea.assessed", assessed, "i1");
    expect(provider.requests).toHaveLength(0); // nothing is planned before the baseline's results exist
    expect(baseline!.payload).toMatchObject({ runIndex: 0, cacheKey: expect.stringMatching(/^baseline-/) });

    const [run1] = await h.send("experiment.finished", finished(0, "ok"), "i1");
    expect(userText(provider, 0)).toContain(
      'For reference, the baseline results are as follows:\n\n{"moons":{"acc":0.5}}',
    );
    expect((run1!.payload as { files: Record<string, string> }).files["experiment.py"]).toContain('"lr": 1,');

    const [plot] = await h.send("experiment.finished", finished(1, "ok"), "i1");
    const next = userText(provider, 1);
    expect(next).toContain('Run 1 completed. Here are the results:\n{"moons":{"acc":0.6}}');
    expect(next).toContain("Decide if you need to re-plan your experiments given the result");
    expect(next).toContain("run_1: lr 1; run_2: lr 2"); // the plan the model wrote with run 1
    expect(next).toContain("- run_1 (ok): raise lr to 1");
    expect(userText(provider, 2)).toContain(
      "Great job! Please modify `plot.py` to generate the most relevant plots for the final writeup.",
    );
    expect(plot!.payload).toMatchObject({ kind: "plot", attempt: 1 });
    expect((plot!.payload as { files: Record<string, string> }).files["plot.py"]).toContain("labels = {");

    const [study] = await h.send("experiment.finished", finished(0, "ok", "plot"), "i1");
    expect(userText(provider, 3)).toContain(
      "Please modify `notes.txt` with a description of what each plot shows along with the filename of the figure.",
    );
    expect(userText(provider, 3)).toContain("The figures plot.py wrote: acc.png");
    expect(study!.type).toBe("study.completed");
    const payload = study!.payload as {
      runs: Array<{ runIndex: number; description: string }>;
      notes: string;
      plotStatus: string;
    };
    expect(payload.runs.map((r) => [r.runIndex, r.description])).toEqual([
      [0, "baseline"],
      [1, "raise lr to 1"],
    ]);
    expect(payload.plotStatus).toBe("ok");
    // notes.txt: what run 1 really changed (the model's words and the diff), then the figures and their descriptions.
    expect(payload.notes).toContain(
      "## Run 1: ok after 1 attempt(s)\nDescription: raise lr to 1\nChanges: experiment.py vs the baseline: +1 -1 line(s)",
    );
    expect(payload.notes).toContain('-PARAMS = {"lr": 0.1, "width": 8}\n+PARAMS = {"lr": 1, "width": 8}');
    expect(payload.notes).not.toContain("baseline settings");
    expect(payload.notes).toContain("## Plots\nFigures written by plot.py:\n- acc.png");
    expect(payload.notes).toContain("Figure acc.png shows validation accuracy of run_0 and run_1 per epoch.");
    expect(payload.notes).toContain("Run 1: lr 1 reached acc 0.6.");
    expect(context.artifacts.files.get("i1/notes.txt")).toBe(payload.notes);
    expect(context.artifacts.files.get("i1/run_1.py")).toContain('"lr": 1,');
  });

  it("sends plot.py's stderr tail back to the model and plots the repaired script", async () => {
    const fix = block("plot.py", "labels = {'run_0': 'baseline', 'run_1': 'lr 1'}", "labels = {'run_0': 'baseline'}");
    const { h, provider } = harness([
      run(lrEdit),
      run("ALL_COMPLETED", ""),
      fileEdits(plotEdit),
      fileEdits(fix),
      fileEdits(notesEdit),
    ]);
    await h.send("idea.assessed", assessed, "i1");
    await h.send("experiment.finished", finished(0, "ok"), "i1");
    await h.send("experiment.finished", finished(1, "ok"), "i1");
    const [retry] = await h.send(
      "experiment.finished",
      { ...finished(0, "error", "plot"), stderrTail: "Traceback: KeyError: 'run_1'" },
      "i1",
    );
    expect(userText(provider, 3)).toContain("Plotting failed with the following error Traceback: KeyError: 'run_1'");
    expect(retry!.payload).toMatchObject({ kind: "plot", attempt: 2 });
    expect((retry!.payload as { files: Record<string, string> }).files["plot.py"]).toContain(
      "labels = {'run_0': 'baseline'}",
    );
    const [study] = await h.send("experiment.finished", finished(0, "ok", "plot", 2), "i1");
    expect(study!.payload).toMatchObject({ plotStatus: "ok", plots: { "acc.png": "i1/acc.png" } });
  });

  it("reports a block that does not match back to the model and runs the repaired edit", async () => {
    const { h, provider } = harness([run(block("experiment.py", "PARAMS = {}", "x")), run(lrEdit)]);
    await h.send("idea.assessed", assessed, "i1");
    const [run1] = await h.send("experiment.finished", finished(0, "ok"), "i1");
    expect(run1!.type).toBe("experiment.requested");
    expect(provider.requests[1]!.messages.at(-1)!.content).toContain("SearchReplaceNoExactMatch");
  });

  it("feeds the stderr tail of a failed run back to the model", async () => {
    const { h, provider } = harness([run(lrEdit), run(block("experiment.py", '"lr": 1,', '"lr": 0.9,'))]);
    await h.send("idea.assessed", assessed, "i1");
    await h.send("experiment.finished", finished(0, "ok"), "i1");
    const [retry] = await h.send("experiment.finished", finished(1, "error"), "i1");
    expect(retry!.payload).toMatchObject({ runIndex: 1, attempt: 2 });
    expect(userText(provider, 1)).toContain("Run failed with the following error Traceback: NameError: x");
  });

  it("fails the idea with a reason when the model's edits never apply (valid JSON, useless edits)", async () => {
    const useless = run(block("experiment.py", "no such line", "x"));
    const { h } = harness([useless, useless, useless, useless], { ...baseConfig, maxRuns: 2 });
    await h.send("idea.assessed", assessed, "i1");
    const out = await h.send("experiment.finished", finished(0, "ok"), "i1");
    expect(out.map((o) => o.type)).toEqual(["idea.failed"]);
    expect((out[0]!.payload as { reason: string }).reason).toContain("every planned run failed");
  });

  it("fails the idea with the reason when the budget is exhausted, without asking again for later runs", async () => {
    const { h, provider } = harness([{ error: new LlmError("LLM_BUDGET_EXHAUSTED", "budget exhausted") }]);
    await h.send("idea.assessed", assessed, "i1");
    const [out] = await h.send("experiment.finished", finished(0, "ok"), "i1");
    expect(out!.type).toBe("idea.failed");
    expect((out!.payload as { reason: string }).reason).toContain("[LLM_BUDGET_EXHAUSTED]");
    expect(provider.remaining()).toBe(0);
  });
});

describe("llm coder over the OpenAI wire (a local scripted researcher)", () => {
  let server: ResearchServer;
  const seen: ChatRequest[] = [];
  const prompts = (text: string) =>
    seen.map((r) => r.messages.map((m) => m.content).join("\n")).filter((p) => p.includes(text));
  beforeAll(async () => {
    server = await startResearchServer({ reply: (request) => (seen.push(request), researcherReply(request)) });
  });
  afterAll(async () => server?.close());

  it("gets run 1's results into the next-run prompt and the model's plot descriptions into notes.txt", async () => {
    const provider = createProvider({
      kind: "openai",
      apiKey: "sk-local-test",
      baseURL: server.url,
      model: "local-scripted",
      timeoutMs: 10_000,
      maxRetries: 0,
    });
    // The default template: the researcher edits its learning rate and plot.py's labels.
    const template = await loadTemplateInfo(join(repoRoot, "templates/mlp-dynamics"));
    const { h } = harnessWith(provider, baseConfig, template);
    await h.send("idea.assessed", assessed, "i1");
    const [run1] = await h.send("experiment.finished", finished(0, "ok"), "i1");
    expect((run1!.payload as { files: Record<string, string> }).files["experiment.py"]).toContain(
      '"learning_rate": 0.2',
    );
    const [plot] = await h.send("experiment.finished", finished(1, "ok"), "i1");
    expect(plot!.payload).toMatchObject({ kind: "plot" }); // the researcher read run 1's results and said ALL_COMPLETED
    expect(prompts('Run 1 completed. Here are the results:\n{"moons":{"acc":0.6}}')).toHaveLength(1);
    expect((plot!.payload as { files: Record<string, string> }).files["plot.py"]).toContain('"run_1": "lr 0.2"');
    const [study] = await h.send("experiment.finished", finished(0, "ok", "plot"), "i1");
    const notes = (study!.payload as { notes: string }).notes;
    expect(prompts("Please modify `notes.txt` with a description of what each plot shows")).toHaveLength(1);
    expect(notes).toContain("acc.png: "); // the researcher's description, naming the figure's file
    expect(notes).toContain('-PARAMS = {"learning_rate": 0.05,');
    expect(server.served.edits).toBe(5); // run 1 (a stale block, then fixed), run 2 (ALL_COMPLETED), plot.py, notes.txt
  });
});
