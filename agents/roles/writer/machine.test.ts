import { describe, expect, it } from "vitest";
import { fromPromise } from "xstate";
import { scriptedProvider, type ScriptStep } from "../../llm/index.ts";
import { fakeArtifacts, llmContext } from "../../../tests/support/llm-context.ts";
import { MachineHarness, tinyTemplate } from "../../../tests/support/machine-harness.ts";
import { compiled, texOfPrompt } from "../../../tests/support/latex-results.ts";
import { LATEX_COMMAND } from "../experimenter/index.ts";
import { checkClaimsActor } from "./claim-effects.ts";
import { renderLatexActor, storeFixedLatexActor } from "./latex-effects.ts";
import { llmClaimFix } from "./llm-claim-fix.ts";
import { llmLatexFix } from "./llm-latex-fix.ts";
import { writerMachine } from "./machine.ts";
import { publishPaperActor } from "./publish-paper.ts";
import { writeRulesPaper, type Draft } from "./rules-paper.ts";

const info = (acc: number) => ({ moons: { means: { acc } } });
const study = {
  ideaId: "i1",
  idea: {
    Name: "lr_1",
    Title: "Large learning rates",
    Experiment: "Use lr 1.",
    Interestingness: 5,
    Feasibility: 9,
    Novelty: 7,
  },
  params: { lr: 1 },
  baseline: info(0.5),
  runs: [
    { runIndex: 0, params: {}, status: "ok", finalInfo: info(0.5), attempts: 1, reason: null, description: "" },
    {
      runIndex: 1,
      params: { lr: 1, width: 8 },
      status: "ok",
      finalInfo: info(0.75),
      attempts: 1,
      reason: null,
      description: "lr=1",
    },
  ],
  plots: { "acc.png": "i1/acc.png" },
  notes: "",
  evidence: [
    {
      source: "offline",
      id: "p1",
      title: "Learning rate schedules",
      year: 2019,
      venue: "ICML",
      score: 2,
      authors: ["Ada Lovelace"],
    },
  ],
};
const LOG = "This is pdfTeX\n! Undefined control sequence.\nl.42 \\badmacro\n";
const FABRICATED = "It improves accuracy by 12.3% to 97.8%.";
const edit = (file: string, search: string, replace: string) =>
  `${file}\n<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE`;
const texEdit = (search: string, replace: string) => ({
  object: { thought: "fix", edits: edit("paper.tex", search, replace) },
});

interface Options {
  script?: ScriptStep[];
  latexFixes?: number;
  claimFixes?: number;
  /** Changes the rules draft before it is checked (to plant a claim the runs do not support). */
  tamper?: (draft: Draft) => Draft;
}

/** A writer with the rules paper (or a tampered one) and the real effects; with a script, the llm fixes. */
function harness(options: Options = {}) {
  const provider = scriptedProvider(options.script ?? []);
  const artifacts = fakeArtifacts({
    "i1/run_0/final_info.json": JSON.stringify(info(0.5)),
    "i1/run_1/final_info.json": JSON.stringify(info(0.75)),
    "i1/chktex.log": "Warning 1 in paper.tex line 3: Command terminated with space.",
  });
  const config = {
    relatedWork: 6,
    citationRounds: 0,
    latexFixes: options.latexFixes ?? 5,
    claimFixes: options.claimFixes ?? 3,
  };
  const context = llmContext("writer", config, provider, { artifacts });
  const machine = writerMachine.provide({
    actors: {
      writePaper: fromPromise(async ({ input }) =>
        (options.tamper ?? ((d: Draft) => d))(writeRulesPaper(tinyTemplate, input as never, 6)),
      ),
      checkClaims: checkClaimsActor(context),
      fixClaims: options.script ? llmClaimFix(context) : fromPromise(async () => null),
      fixLatex: options.script ? llmLatexFix(context) : fromPromise(async () => null),
      publishPaper: publishPaperActor(context),
      renderLatex: renderLatexActor(context),
      storeFixedLatex: storeFixedLatexActor(context),
    } as never,
  });
  const h = new MachineHarness(machine, {
    latexFixes: config.latexFixes,
    claimFixes: config.claimFixes,
    latexTimeoutMs: 300_000,
  });
  return { h, provider, artifacts };
}

type Requested = {
  kind: string;
  attempt: number;
  files: Record<string, string>;
  inputs: Record<string, string>;
  command: string[];
  timeoutMs: number;
};
type Drafted = {
  pdf: string | null;
  latexStatus: string;
  textArtifact: string | null;
  provenance: { unsupported: number; checked: number; artifact: string; claims: Array<{ claim: string }> };
};
const withText = (attempt: number) => ({
  ...compiled(attempt, "ok"),
  artifacts: { ...compiled(attempt, "ok").artifacts, "paper.txt": "i1/paper.txt" },
});

describe("writer: claims checked, the paper as LaTeX, compiled in the sandbox", () => {
  it("checks every claim (provenance.json beside the paper), stores paper.tex, requests its compile, and drafts the paper with its PDF and text", async () => {
    const { h, artifacts } = harness();
    const [request] = await h.send("study.completed", study, "i1");
    expect(request).toMatchObject({ type: "experiment.requested", correlation: "i1" });
    const payload = request!.payload as Requested;
    expect(payload).toMatchObject({
      kind: "latex",
      attempt: 1,
      command: [...LATEX_COMMAND],
      timeoutMs: 300_000,
      inputs: { "i1/acc.png": "acc.png" },
    });
    expect(Object.keys(payload.files)).toEqual(["paper.tex"]); // the bib is in paper.tex's filecontents block
    expect(artifacts.files.get("i1/paper.tex")).toBe(payload.files["paper.tex"]);
    expect(artifacts.files.get("i1/paper.md")).toBeDefined();
    const record = JSON.parse(artifacts.files.get("i1/provenance.json")!);
    expect(record).toMatchObject({
      paper: "i1/paper.md",
      unsupported: 0,
      latex: { artifact: "i1/paper.tex", unsupported: 0, claims: [] },
    });
    expect(record.checked).toBeGreaterThan(10);
    expect(record.claims[0]).toMatchObject({
      verdict: "supported",
      location: expect.any(String),
      source: expect.any(Object),
    });
    // Other kinds and other attempts are not this compile's result.
    expect(await h.send("experiment.finished", { ...compiled(1, "ok"), kind: "plot" }, "i1")).toEqual([]);
    expect(await h.send("experiment.finished", compiled(2, "ok"), "i1")).toEqual([]);
    const [drafted] = await h.send("experiment.finished", withText(1), "i1");
    expect(drafted).toMatchObject({
      type: "paper.drafted",
      payload: {
        path: "i1/paper.md",
        pdf: "i1/paper.pdf",
        latexStatus: "ok",
        textArtifact: "i1/paper.txt",
        evidence: { checkedNumbers: 2 },
      },
    });
    expect((drafted!.payload as Drafted).provenance).toMatchObject({
      unsupported: 0,
      artifact: "i1/provenance.json",
      claims: [],
    });
    expect(h.status).toBe("done");
  });

  it("the reviewers' text is paper.tex when the compile made no paper.txt", async () => {
    const { h } = harness();
    await h.send("study.completed", study, "i1");
    const [drafted] = await h.send("experiment.finished", compiled(1, "ok"), "i1");
    expect((drafted!.payload as Drafted).textArtifact).toBe("i1/paper.tex");
  });

  it("llm policy: unsupported claims go back to the model (≤ claimFixes rounds), whose edits are checked again", async () => {
    const prompts: string[] = [];
    const ignore: ScriptStep = (request) => {
      prompts.push(request.messages.at(-1)!.content);
      return { object: { thought: "no", edits: edit("paper.md", "The idea was rated", "Then the idea was rated") } };
    };
    const fix: ScriptStep = (request) => {
      prompts.push(request.messages.at(-1)!.content);
      return { object: { thought: "fixed", edits: edit("paper.md", ` ${FABRICATED}`, "") } };
    };
    const tamper = (d: Draft) => ({ ...d, markdown: d.markdown.replace("Use lr 1.", `Use lr 1. ${FABRICATED}`) });
    const { h, provider, artifacts } = harness({ script: [ignore, fix], tamper });
    const [request] = await h.send("study.completed", study, "i1");
    expect(request!.type).toBe("experiment.requested");
    expect(provider.requests).toHaveLength(2);
    expect(prompts[0]).toContain('"12.3%"');
    expect(prompts[0]).toContain('"97.8%"');
    expect(prompts[0]).toContain("section Introduction");
    expect(prompts[1]).toContain("Round 2");
    expect(artifacts.files.get("i1/paper.md")).not.toContain("12.3%");
    expect(artifacts.files.get("i1/paper.md")).toContain("Then the idea was rated");
    expect(JSON.parse(artifacts.files.get("i1/provenance.json")!).unsupported).toBe(0);
  });

  it("llm policy: stops after claimFixes rounds; what remains is recorded in provenance.json and on paper.drafted", async () => {
    const ignore: ScriptStep = () => ({
      object: { thought: "no", edits: edit("paper.md", "The idea was rated", "The idea was rated") },
    });
    const tamper = (d: Draft) => ({
      ...d,
      markdown: d.markdown.replace("Use lr 1.", `Use lr 1. ${FABRICATED} We also ran CIFAR-10.`),
    });
    const { h, provider, artifacts } = harness({ script: [ignore, ignore], claimFixes: 2, tamper });
    await h.send("study.completed", study, "i1");
    expect(provider.requests).toHaveLength(2);
    const record = JSON.parse(artifacts.files.get("i1/provenance.json")!);
    const bad = record.claims.filter((c: { verdict: string }) => c.verdict === "unsupported");
    expect(bad.map((c: { text: string }) => c.text)).toEqual(expect.arrayContaining(["12.3%", "97.8%", "CIFAR-10"]));
    expect(bad[0]).toMatchObject({ location: expect.stringContaining("Introduction"), reason: expect.any(String) });
    const [drafted] = await h.send("experiment.finished", compiled(1, "ok"), "i1");
    expect((drafted!.payload as Drafted).provenance.unsupported).toBe(record.unsupported);
    expect((drafted!.payload as Drafted).provenance.claims.map((c) => c.claim)).toEqual(
      expect.arrayContaining(["12.3%", "CIFAR-10"]),
    );
  });

  it("llm policy: a failed compile's log and chktex's warnings go to the model, whose edit blocks are checked and compiled again", async () => {
    let seen = "";
    const fix: ScriptStep = (request) => {
      seen = request.messages.at(-1)!.content;
      return texEdit("\\section{Introduction}", "\\section{Introduction} % fixed");
    };
    const { h, provider, artifacts } = harness({ script: [fix] });
    const [first] = await h.send("study.completed", study, "i1");
    const original = (first!.payload as Requested).files["paper.tex"]!;
    const [retry] = await h.send(
      "experiment.finished",
      { ...compiled(1, "error", LOG), artifacts: { "paper.log": "i1/paper.log", "chktex.log": "i1/chktex.log" } },
      "i1",
    );
    expect(provider.requests).toHaveLength(1);
    expect(seen).toContain("! Undefined control sequence.\nl.42 \\badmacro");
    expect(seen).toContain(
      "guided by the output of `chktek`:\nWarning 1 in paper.tex line 3: Command terminated with space.",
    );
    expect(texOfPrompt(seen)).toBe(original);
    expect(seen).toContain("<<<<<<< SEARCH");
    expect(retry).toMatchObject({ type: "experiment.requested", payload: { kind: "latex", attempt: 2 } });
    const fixed = (retry!.payload as Requested).files["paper.tex"]!;
    expect(fixed).toBe(original.replace("\\section{Introduction}", "\\section{Introduction} % fixed"));
    expect(artifacts.files.get("i1/paper.tex")).toBe(fixed);
    const [drafted] = await h.send("experiment.finished", compiled(2, "ok"), "i1");
    expect(drafted).toMatchObject({ type: "paper.drafted", payload: { pdf: "i1/paper.pdf", latexStatus: "ok" } });
  });

  it("llm policy: a fix that returns paper.tex unchanged is refused without a compile; the round counts and the reason is kept", async () => {
    const prompts: string[] = [];
    const nothing: ScriptStep = (request) => {
      prompts.push(request.messages.at(-1)!.content);
      return texEdit("\\section{Introduction}", "\\section{Introduction}");
    };
    const { h, provider } = harness({ script: [nothing, nothing], latexFixes: 2 });
    await h.send("study.completed", study, "i1");
    const out = await h.send("experiment.finished", compiled(1, "error", LOG), "i1");
    expect(out.filter((m) => m.type === "experiment.requested")).toHaveLength(0);
    expect(provider.requests).toHaveLength(2);
    expect(prompts[1]).toContain("fix 1 returned paper.tex unchanged, so it was not compiled");
    expect(out).toHaveLength(1);
    expect(out[0]!.payload).toMatchObject({
      pdf: null,
      latexStatus:
        "compile 1 failed (error): exit code 12 — ! Undefined control sequence. (l.42 \\badmacro); refused: fix 1 returned paper.tex unchanged, so it was not compiled; fix 2 returned paper.tex unchanged, so it was not compiled; no fix rounds left (2)",
    });
  });

  it("llm policy: a fix that adds a sentence the runs do not support (a new state of the art on CIFAR-10) is re-checked and refused", async () => {
    const sota = texEdit(
      "\\section{Introduction}\n\\label{sec:intro}",
      "\\section{Introduction}\n\\label{sec:intro}\nOur method sets a new state of the art on CIFAR-10 with 99.1\\% accuracy.",
    );
    const { h, artifacts } = harness({ script: [sota], latexFixes: 1 });
    const [first] = await h.send("study.completed", study, "i1");
    const [drafted] = await h.send("experiment.finished", compiled(1, "error", LOG), "i1");
    expect(drafted!.type).toBe("paper.drafted");
    const status = (drafted!.payload as Drafted).latexStatus;
    expect(status).toMatch(
      /fix 1 was not compiled: \[WRITER_FIX_UNSUPPORTED_CLAIMS\] the fix adds 2 claim\(s\) the run artifacts do not support: "CIFAR-10".*"99\.1%/,
    );
    expect(status).toMatch(/no fix rounds left \(1\)$/);
    expect(artifacts.files.get("i1/paper.tex")).toBe((first!.payload as Requested).files["paper.tex"]);
  });

  it("llm policy: a fix that drops a figure, or changes a results-table number, is never compiled", async () => {
    const drop: ScriptStep = (request) => {
      const line = /\\includegraphics\[[^\]]*\]\{acc\.png\}/.exec(texOfPrompt(request.messages.at(-1)!.content))![0];
      return texEdit(line, "% no figure");
    };
    const tamper = texEdit("0.5 & 0.75", "0.5 & 0.95");
    const { h } = harness({ script: [drop, tamper], latexFixes: 2 });
    await h.send("study.completed", study, "i1");
    const [drafted] = await h.send("experiment.finished", compiled(1, "error", LOG), "i1");
    const status = (drafted!.payload as Drafted).latexStatus;
    expect(status).toContain(
      "fix 1 was not compiled: [WRITER_FIX_DROPS_FIGURES] the fix drops figure(s) acc.png of the checked paper",
    );
    expect(status).toMatch(/fix 2 was not compiled: .*acc\/run_1 = 0.95 but run_1\/final_info.json has 0.75/);
  });

  it("llm policy: stops after latexFixes compiled rounds and says so", async () => {
    const comment =
      (n: number): ScriptStep =>
      () =>
        texEdit("\\begin{document}", `% fix ${n}\n\\begin{document}`);
    const { h, provider } = harness({ script: [comment(1)], latexFixes: 1 });
    await h.send("study.completed", study, "i1");
    await h.send("experiment.finished", compiled(1, "error", LOG), "i1");
    const [drafted] = await h.send("experiment.finished", compiled(2, "error", LOG), "i1");
    expect(provider.requests).toHaveLength(1);
    expect(drafted!.payload).toMatchObject({
      pdf: null,
      latexStatus:
        "compile 2 failed (error): exit code 12 — ! Undefined control sequence. (l.42 \\badmacro); no fix rounds left (1)",
    });
  });

  it("rules policy: cannot edit LaTeX, so a failed compile is recorded and the paper is still drafted", async () => {
    const { h } = harness();
    await h.send("study.completed", study, "i1");
    const [drafted] = await h.send("experiment.finished", compiled(1, "error", LOG), "i1");
    expect(drafted).toMatchObject({
      type: "paper.drafted",
      payload: { path: "i1/paper.md", pdf: null, textArtifact: "i1/paper.tex" },
    });
    expect((drafted!.payload as Drafted).latexStatus).toBe(
      "compile 1 failed (error): exit code 12 — ! Undefined control sequence. (l.42 \\badmacro); the rules policy cannot edit LaTeX, so the Markdown paper stands without a PDF",
    );
    expect(h.status).toBe("done");
  });

  it("drafts without a PDF when the compile could not run at all (no engine, no image): no fix is attempted", async () => {
    const { h, provider } = harness({ script: [] });
    await h.send("study.completed", study, "i1");
    const [drafted] = await h.send(
      "experiment.finished",
      {
        ...compiled(1, "error"),
        exitCode: null,
        reason: "the experimenter could not run this: no such image",
        artifacts: {},
      },
      "i1",
    );
    expect(provider.requests).toHaveLength(0);
    expect(drafted!.payload).toMatchObject({
      pdf: null,
      latexStatus: "compile 1 failed (error): the experimenter could not run this: no such image",
    });
  });
});
