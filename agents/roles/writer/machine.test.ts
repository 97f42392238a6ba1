import { describe, expect, it } from "vitest";
import { fromPromise } from "xstate";
import { scriptedProvider, type ScriptStep } from "../../llm/index.ts";
import { fakeArtifacts, llmContext } from "../../../tests/support/llm-context.ts";
import { MachineHarness, tinyTemplate } from "../../../tests/support/machine-harness.ts";
import { compiled, texOfPrompt } from "../../../tests/support/latex-results.ts";
import { LATEX_COMMAND } from "../experimenter/latex-compile.ts";
import { renderLatexActor, storeFixedLatexActor } from "./latex-effects.ts";
import { llmLatexFix } from "./llm-latex-fix.ts";
import { writerMachine } from "./machine.ts";
import { publishPaperActor } from "./publish-paper.ts";
import { writeRulesPaper } from "./rules-paper.ts";

const info = (acc: number) => ({ moons: { means: { acc } } });
const study = {
  ideaId: "i1",
  idea: { Name: "lr_1", Title: "Large learning rates", Experiment: "Use lr 1.", Interestingness: 5, Feasibility: 9, Novelty: 7 },
  params: { lr: 1 },
  baseline: info(0.5),
  runs: [
    { runIndex: 0, params: {}, status: "ok", finalInfo: info(0.5), attempts: 1, reason: null },
    { runIndex: 1, params: { lr: 1 }, status: "ok", finalInfo: info(0.75), attempts: 1, reason: null },
  ],
  plots: { "acc.png": "i1/acc.png" },
  notes: "",
  evidence: [{ source: "offline", id: "p1", title: "Learning rate schedules", year: 2019, venue: "ICML", score: 2, authors: ["Ada Lovelace"] }],
};
const LOG = "This is pdfTeX\n! Undefined control sequence.\nl.42 \\badmacro\n";

/** A writer with the rules paper and the real effects; `fix` is the policy's LaTeX fix (rules: none). */
function harness(options: { script?: ScriptStep[]; latexFixes?: number } = {}) {
  const provider = scriptedProvider(options.script ?? []);
  const artifacts = fakeArtifacts({ "i1/run_0/final_info.json": JSON.stringify(info(0.5)), "i1/run_1/final_info.json": JSON.stringify(info(0.75)) });
  const context = llmContext("writer", { relatedWork: 6, citationRounds: 0, latexFixes: options.latexFixes ?? 5 }, provider, { artifacts });
  const machine = writerMachine.provide({
    actors: {
      writePaper: fromPromise(async ({ input }) => writeRulesPaper(tinyTemplate, input as never, 6)),
      fixLatex: options.script ? llmLatexFix(context) : fromPromise(async () => null),
      publishPaper: publishPaperActor(context),
      renderLatex: renderLatexActor(context),
      storeFixedLatex: storeFixedLatexActor(context),
    } as never,
  });
  return { h: new MachineHarness(machine, { latexFixes: options.latexFixes ?? 5, latexTimeoutMs: 300_000 }), provider, artifacts };
}

type Requested = { kind: string; attempt: number; files: Record<string, string>; inputs: Record<string, string>; command: string[]; timeoutMs: number };

describe("writer: the paper as LaTeX, compiled in the sandbox", () => {
  it("stores paper.tex, requests its compile for the idea, and drafts the paper with its PDF", async () => {
    const { h, artifacts } = harness();
    const [request] = await h.send("study.completed", study, "i1");
    expect(request).toMatchObject({ type: "experiment.requested", correlation: "i1" });
    const payload = request!.payload as Requested;
    expect(payload).toMatchObject({ kind: "latex", attempt: 1, command: [...LATEX_COMMAND], timeoutMs: 300_000, inputs: { "i1/acc.png": "acc.png" } });
    expect(payload.command).not.toContain("-shell-escape");
    expect(Object.keys(payload.files).sort()).toEqual(["paper.tex", "references.bib"]);
    expect(artifacts.files.get("i1/paper.tex")).toBe(payload.files["paper.tex"]);
    expect(artifacts.files.get("i1/paper.md")).toBeDefined();
    // Other kinds and other attempts are not this compile's result.
    expect(await h.send("experiment.finished", { ...compiled(1, "ok"), kind: "plot" }, "i1")).toEqual([]);
    expect(await h.send("experiment.finished", compiled(2, "ok"), "i1")).toEqual([]);
    const [drafted] = await h.send("experiment.finished", compiled(1, "ok"), "i1");
    expect(drafted).toMatchObject({ type: "paper.drafted", payload: { path: "i1/paper.md", pdf: "i1/paper.pdf", latexStatus: "ok", evidence: { checkedNumbers: 2 } } });
    expect(h.status).toBe("done");
  });

  it("llm policy: a failed compile's log goes to the model, whose fixed paper.tex is checked and compiled again", async () => {
    let fixedTex = "";
    const fix: ScriptStep = (request) => {
      const tex = texOfPrompt(request.messages.at(-1)!.content);
      fixedTex = tex.replace("\\section{Introduction}", "\\section{Introduction} % fixed");
      return { object: { tex: fixedTex } };
    };
    const { h, provider, artifacts } = harness({ script: [fix] });
    await h.send("study.completed", study, "i1");
    const [retry] = await h.send("experiment.finished", compiled(1, "error", LOG), "i1");
    expect(provider.requests).toHaveLength(1);
    const prompt = provider.requests[0]!.messages[0]!.content;
    expect(prompt).toContain("! Undefined control sequence.\nl.42 \\badmacro");
    expect(prompt).toContain("\\begin{document}");
    expect(retry).toMatchObject({ type: "experiment.requested", payload: { kind: "latex", attempt: 2 } });
    expect((retry!.payload as Requested).files["paper.tex"]).toBe(fixedTex);
    expect(artifacts.files.get("i1/paper.tex")).toBe(fixedTex);
    const [drafted] = await h.send("experiment.finished", compiled(2, "ok"), "i1");
    expect(drafted).toMatchObject({ type: "paper.drafted", payload: { pdf: "i1/paper.pdf", latexStatus: "ok" } });
  });

  it("llm policy: a fix that changes a results-table number is never compiled; the Markdown paper still goes out", async () => {
    const tamper: ScriptStep = (request) => {
      const tex = texOfPrompt(request.messages.at(-1)!.content);
      return { object: { tex: tex.replace("0.5 & 0.75", "0.5 & 0.95") } };
    };
    const { h } = harness({ script: [tamper] });
    await h.send("study.completed", study, "i1");
    const [drafted] = await h.send("experiment.finished", compiled(1, "error", LOG), "i1");
    expect(drafted!.type).toBe("paper.drafted");
    expect(drafted!.payload).toMatchObject({ pdf: null, latexStatus: expect.stringMatching(/fix 1 was not compiled: .*acc\/run_1 = 0.95 but run_1\/final_info.json has 0.75/) });
  });

  it("llm policy: stops after latexFixes rounds and says so", async () => {
    const same: ScriptStep = (request) => ({ object: { tex: texOfPrompt(request.messages.at(-1)!.content) } });
    const { h, provider } = harness({ script: [same], latexFixes: 1 });
    await h.send("study.completed", study, "i1");
    await h.send("experiment.finished", compiled(1, "error", LOG), "i1");
    const [drafted] = await h.send("experiment.finished", compiled(2, "error", LOG), "i1");
    expect(provider.requests).toHaveLength(1);
    expect(drafted!.payload).toMatchObject({ pdf: null, latexStatus: "compile 2 failed (error): exit code 12 — ! Undefined control sequence.; no fix rounds left (1)" });
  });

  it("rules policy: cannot edit LaTeX, so a failed compile is recorded and the paper is still drafted", async () => {
    const { h } = harness();
    await h.send("study.completed", study, "i1");
    const [drafted] = await h.send("experiment.finished", compiled(1, "error", LOG), "i1");
    expect(drafted).toMatchObject({ type: "paper.drafted", payload: { path: "i1/paper.md", pdf: null } });
    expect((drafted!.payload as { latexStatus: string }).latexStatus).toBe(
      "compile 1 failed (error): exit code 12 — ! Undefined control sequence.; the rules policy cannot edit LaTeX, so the Markdown paper stands without a PDF",
    );
    expect(h.status).toBe("done");
  });

  it("drafts without a PDF when the compile could not run at all (no engine, no image): no fix is attempted", async () => {
    const { h, provider } = harness({ script: [] });
    await h.send("study.completed", study, "i1");
    const [drafted] = await h.send("experiment.finished", { ...compiled(1, "error"), exitCode: null, reason: "the experimenter could not run this: no such image", artifacts: {} }, "i1");
    expect(provider.requests).toHaveLength(0);
    expect(drafted!.payload).toMatchObject({ pdf: null, latexStatus: "compile 1 failed (error): the experimenter could not run this: no such image" });
  });
});
