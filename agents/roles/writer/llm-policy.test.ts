import { describe, expect, it } from "vitest";
import { LlmError, scriptedProvider, type ScriptStep } from "../../llm/index.ts";
import { fakeArtifacts, llmContext, paperFixture } from "../../../tests/support/llm-context.ts";
import { MachineHarness } from "../../../tests/support/machine-harness.ts";
import { writerLlmPolicy } from "./llm-policy.ts";
import { writerMachine } from "./machine.ts";
import { publishPaperActor } from "./publish-paper.ts";
import { renderLatexActor, storeFixedLatexActor } from "./latex-effects.ts";
import { resultsTable, TABLE_BEGIN } from "./number-check.ts";
import { compiled } from "../../../tests/support/latex-results.ts";

const info = (acc: number) => ({ moons: { means: { acc } } });
const study = {
  ideaId: "i1",
  idea: { Name: "lr_1", Title: "Large learning rates", Experiment: "Use lr 1.", Interestingness: 5, Feasibility: 9, Novelty: 7 },
  params: {},
  baseline: info(0.5),
  runs: [
    { runIndex: 0, params: {}, status: "ok", finalInfo: info(0.5), attempts: 1, reason: null },
    { runIndex: 1, params: {}, status: "ok", finalInfo: info(0.75), attempts: 1, reason: null },
  ],
  plots: { "acc.png": "i1/acc.png" },
  notes: "## Run 1: ok",
  evidence: [{ source: "offline", id: "p1", title: "Learning rate schedules", year: 2019, venue: "ICML", score: 2, note: "cited" }],
};

/** Answers by the schema asked for, as a model would; section prose may even try to sneak in a table marker. */
const byRequest: ScriptStep = (request) =>
  request.schema?.name === "title_abstract"
    ? { object: { title: "Large Learning Rates Help Moons", abstract: "We find run_1 reaches 0.75." }, usage: { inputTokens: 500, outputTokens: 50 } }
    : { object: { text: `Prose citing [1]. ${TABLE_BEGIN}` }, usage: { inputTokens: 800, outputTokens: 120 } };

function harness(script: ScriptStep[], maxRepairs = 0) {
  const provider = scriptedProvider(script, { maxRepairs });
  const artifacts = fakeArtifacts({ "i1/run_0/final_info.json": JSON.stringify(info(0.5)), "i1/run_1/final_info.json": JSON.stringify(info(0.75)) });
  const context = llmContext("writer", { relatedWork: 6, citationRounds: 20, latexFixes: 5 }, provider, { artifacts, papers: [paperFixture("p2", "Warmup")] });
  const effects = { publishPaper: publishPaperActor(context), renderLatex: renderLatexActor(context), storeFixedLatex: storeFixedLatexActor(context) };
  const machine = writerMachine.provide({ actors: { ...writerLlmPolicy(context), ...effects } as never });
  return { h: new MachineHarness(machine), provider, artifacts };
}

describe("llm writer policy", () => {
  it("writes every section in the seed's order with a refinement pass, around the code's checked table", async () => {
    const { h, provider, artifacts } = harness(Array(16).fill(byRequest));
    const [compile] = await h.send("study.completed", study, "i1");
    expect(compile).toMatchObject({ type: "experiment.requested", payload: { kind: "latex", attempt: 1 } });
    const [out] = await h.send("experiment.finished", compiled(1, "ok"), "i1");
    expect(out!.type).toBe("paper.drafted");
    expect(out!.payload).toMatchObject({ title: "Large Learning Rates Help Moons", evidence: { checkedNumbers: 2 }, pdf: "i1/paper.pdf", latexStatus: "ok" });
    const paper = artifacts.files.get("i1/paper.md")!;
    expect(paper).toContain(resultsTable(study as never));
    expect(paper.split(TABLE_BEGIN)).toHaveLength(2); // only the code's table marker survives
    const headings = paper.split("\n").filter((l) => l.startsWith("## ")).map((l) => l.replace(/^## (\d+ )?/, ""));
    expect(headings).toEqual(["Introduction", "Background", "Method", "Experimental Setup", "Results", "Related Work", "Conclusion", "References"]);
    expect(paper).toContain("[1] Learning rate schedules, ICML 2019.");
    expect(provider.requests).toHaveLength(16);
    expect(provider.requests[1]!.messages.at(-1)!.content).toContain("Great job! Now criticize and refine only the Abstract");
  });

  it("shows the model its invalid section and accepts the repaired one", async () => {
    const { h, provider } = harness([{ object: { title: "" , abstract: "" } }, ...Array(16).fill(byRequest)], 1);
    const [out] = await h.send("study.completed", study, "i1");
    expect(out!.type).toBe("experiment.requested");
    expect(provider.sent[1]!.messages.at(-1)!.content).toContain("did not match the required output schema");
  });

  it("fails the idea with the reason when the budget is exhausted mid-paper", async () => {
    const { h } = harness([byRequest, byRequest, byRequest, { error: new LlmError("LLM_BUDGET_EXHAUSTED", "budget exhausted") }]);
    const [out] = await h.send("study.completed", study, "i1");
    expect(out!.type).toBe("idea.failed");
    expect((out!.payload as { reason: string }).reason).toMatch(/refining Introduction: \[LLM_BUDGET_EXHAUSTED\]/);
  });
});
