import { describe, expect, it } from "vitest";
import { fromPromise } from "xstate";
import { LlmError, scriptedProvider } from "../../llm/index.ts";
import { llmContext } from "../../../tests/support/llm-context.ts";
import { MachineHarness, tinyTemplate } from "../../../tests/support/machine-harness.ts";
import { applyEditBlocks, parseEditBlocks } from "./edit-blocks.ts";
import { coderLlmPolicy } from "./llm-policy.ts";
import { coderMachine } from "./machine.ts";

const idea = { Name: "lr_1", Title: "Large learning rate", Experiment: "Use lr 1.", Interestingness: 5, Feasibility: 9, Novelty: 7 };
const assessed = { ideaId: "i1", idea, params: {}, novel: true, reason: "r", rounds: 1, evidence: [] };
const config = { maxRuns: 5, maxAttempts: 4, rulesRuns: 2, editRounds: 2 };

const block = (file: string, search: string, replace: string) => `${file}\n<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE`;
const lrEdit = block("experiment.py", 'PARAMS = {"lr": 0.1, "width": 8}', 'PARAMS = {"lr": 1, "width": 8}');
const plan = (...runs: string[]) => ({ object: { thought: "plan", runs: runs.map((description) => ({ description })) } });
const edits = (text: string) => ({ object: { thought: "edit", edits: text } });

function finished(runIndex: number, status: string, kind = "experiment") {
  return {
    ideaId: "i1", kind, runIndex, attempt: 1, status, exitCode: status === "ok" ? 0 : 1, reason: status === "ok" ? null : "boom",
    stderrTail: status === "ok" ? "" : "Traceback: NameError: x", finalInfo: status === "ok" && kind === "experiment" ? { moons: { means: { acc: 0.5 + runIndex / 10 } } } : null,
    artifacts: kind === "plot" ? { "acc.png": "i1/acc.png" } : {}, usage: { wallMs: 1, cpuMs: null, peakMemoryBytes: null, bytesWritten: null }, image: "img", reused: false,
  };
}

function harness(script: Parameters<typeof scriptedProvider>[0]) {
  const provider = scriptedProvider(script);
  const context = llmContext("coder", config, provider);
  const machine = coderMachine.provide({
    actors: { ...coderLlmPolicy(context), recordRun: fromPromise(async () => "notes") } as never,
  });
  const h = new MachineHarness(machine, { maxAttempts: 2, timeoutMs: 1000, plotTimeoutMs: 500, plotScript: tinyTemplate.files["plot.py"] });
  return { h, provider, context };
}

describe("SEARCH/REPLACE edit blocks", () => {
  it("applies a matching block and reports one that does not match instead of skipping it", () => {
    const blocks = parseEditBlocks(`Here:\n\`\`\`python\n${lrEdit}\n\`\`\`\n${block("experiment.py", "nothing like this", "x")}`);
    expect(blocks).toHaveLength(2);
    const result = applyEditBlocks({ "experiment.py": tinyTemplate.files["experiment.py"]! }, blocks, ["experiment.py"]);
    expect(result.files["experiment.py"]).toContain('"lr": 1,');
    expect(result.failed).toHaveLength(1);
    expect(result.failed[0]!.reason).toContain("does not match");
  });
});

describe("llm coder policy", () => {
  it("plans, edits experiment.py for each run, and ends at ALL_COMPLETED with its plot.py", async () => {
    const plotEdit = block("plot.py", "print('plot')", "labels = {'run_0': 'baseline', 'run_1': 'lr 1'}\nprint('plot')");
    const { h, provider } = harness([plan("lr 1", "lr 2"), edits(lrEdit), edits(`${plotEdit}\nALL_COMPLETED`)]);
    const [baseline] = await h.send("idea.assessed", assessed, "i1");
    expect(baseline!.payload).toMatchObject({ runIndex: 0, cacheKey: expect.stringMatching(/^baseline-/) });
    const [run1] = await h.send("experiment.finished", finished(0, "ok"), "i1");
    expect((run1!.payload as { files: Record<string, string> }).files["experiment.py"]).toContain('"lr": 1,');
    const [plot] = await h.send("experiment.finished", finished(1, "ok"), "i1");
    expect(plot!.payload).toMatchObject({ kind: "plot" });
    expect((plot!.payload as { files: Record<string, string> }).files["plot.py"]).toContain("labels = {");
    const [study] = await h.send("experiment.finished", finished(0, "ok", "plot"), "i1");
    expect(study!.type).toBe("study.completed");
    expect((study!.payload as { runs: unknown[] }).runs).toHaveLength(2);
    expect(provider.requests[2]!.messages[0]!.content).toContain("If you are finished with experiments, respond with 'ALL_COMPLETED'");
  });

  it("reports a block that does not match back to the model and runs the repaired edit", async () => {
    const { h, provider } = harness([plan("lr 1"), edits(block("experiment.py", "PARAMS = {}", "x")), edits(lrEdit)]);
    await h.send("idea.assessed", assessed, "i1");
    const [run1] = await h.send("experiment.finished", finished(0, "ok"), "i1");
    expect(run1!.type).toBe("experiment.requested");
    expect(provider.requests[2]!.messages.at(-1)!.content).toContain("SearchReplaceNoExactMatch");
  });

  it("feeds the stderr tail of a failed run back to the model", async () => {
    const { h, provider } = harness([plan("lr 1"), edits(lrEdit), edits(block("experiment.py", '"lr": 1,', '"lr": 0.9,'))]);
    await h.send("idea.assessed", assessed, "i1");
    await h.send("experiment.finished", finished(0, "ok"), "i1");
    const [retry] = await h.send("experiment.finished", finished(1, "error"), "i1");
    expect(retry!.payload).toMatchObject({ runIndex: 1, attempt: 2 });
    expect(provider.requests[2]!.messages[0]!.content).toContain("Run failed with the following error Traceback: NameError: x");
  });

  it("fails the idea with a reason when the model's edits never apply (valid JSON, useless edits)", async () => {
    const useless = edits(block("experiment.py", "no such line", "x"));
    const { h } = harness([plan("lr 1"), useless, useless, useless, useless]);
    await h.send("idea.assessed", assessed, "i1");
    const out = await h.send("experiment.finished", finished(0, "ok"), "i1");
    expect(out.map((o) => o.type)).toEqual(["idea.failed"]);
    expect((out[0]!.payload as { reason: string }).reason).toContain("every planned run failed");
  });

  it("fails the idea with the reason when the budget is exhausted", async () => {
    const { h } = harness([{ error: new LlmError("LLM_BUDGET_EXHAUSTED", "budget exhausted") }]);
    const [out] = await h.send("idea.assessed", assessed, "i1");
    expect(out!.type).toBe("idea.failed");
    expect((out!.payload as { reason: string }).reason).toContain("[LLM_BUDGET_EXHAUSTED]");
  });
});
