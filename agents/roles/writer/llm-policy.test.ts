import { describe, expect, it } from "vitest";
import { LlmError, scriptedProvider, type ScriptStep } from "../../llm/index.ts";
import { fakeArtifacts, llmContext, paperFixture } from "../../../tests/support/llm-context.ts";
import { MachineHarness } from "../../../tests/support/machine-harness.ts";
import { compiled } from "../../../tests/support/latex-results.ts";
import { checkClaimsActor } from "./claim-effects.ts";
import { renderLatexActor, storeFixedLatexActor } from "./latex-effects.ts";
import { NO_MORE, parseSelected } from "./llm-citations.ts";
import { writerLlmPolicy } from "./llm-policy.ts";
import { writerMachine } from "./machine.ts";
import { resultsTable, TABLE_BEGIN } from "./number-check.ts";
import { publishPaperActor } from "./publish-paper.ts";

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
  params: {},
  baseline: info(0.5),
  runs: [
    { runIndex: 0, params: {}, status: "ok", finalInfo: info(0.5), attempts: 1, reason: null },
    { runIndex: 1, params: {}, status: "ok", finalInfo: info(0.75), attempts: 1, reason: null },
  ],
  plots: { "acc.png": "i1/acc.png" },
  notes: "## Run 1: ok",
  evidence: [
    {
      source: "offline",
      id: "p1",
      title: "Learning rate schedules",
      year: 2019,
      venue: "ICML",
      score: 2,
      note: "cited",
      authors: ["Ada Lovelace"],
    },
  ],
};
const FIRST_KEY = "lovelace2019learning";
const FOUND_KEY = "author2020warmup"; // paperFixture("p2", "Warmup"): A. Author, 2020

const edit = (search: string, replace: string) =>
  `paper.md\n<<<<<<< SEARCH\n${search}\n=======\n${replace}\n>>>>>>> REPLACE`;

/** Answers by the schema asked for, as a model would; section prose may even try to sneak in a table marker. */
const byRequest: ScriptStep = (request) => {
  const last = request.messages.at(-1)!.content;
  switch (request.schema?.name) {
    case "title_abstract":
      return {
        object: { title: "Large Learning Rates Help Moons", abstract: "We find run_1 reaches 0.75." },
        usage: { inputTokens: 500, outputTokens: 50 },
      };
    case "citation_query":
      return last.includes(FOUND_KEY)
        ? { object: { Thought: `All cited. ${NO_MORE}`, Description: "", Query: "" } }
        : {
            object: {
              Thought: "Warmup needs a cite.",
              Description: "Cite the warmup paper in Related Work.",
              Query: "learning rate warmup",
            },
          };
    case "citation_select":
      return {
        object: {
          Thought: "The first fits.",
          Selected: "[0]",
          Description: `Add "Warmup helps [@${FOUND_KEY}]." to Related Work.`,
        },
      };
    case "citation_edit":
      return {
        object: {
          thought: "Add it.",
          edits: edit(
            `Related prose citing [@${FIRST_KEY}].`,
            `Related prose citing [@${FIRST_KEY}]. Warmup helps [@${FOUND_KEY}].`,
          ),
        },
      };
    default:
      return {
        object: {
          text: `${last.includes("Related Work") ? "Related prose" : "Prose"} citing [@${FIRST_KEY}]. ${TABLE_BEGIN}`,
        },
        usage: { inputTokens: 800, outputTokens: 120 },
      };
  }
};

function harness(script: ScriptStep[], maxRepairs = 0, citationRounds = 20) {
  const provider = scriptedProvider(script, { maxRepairs });
  const artifacts = fakeArtifacts({
    "i1/run_0/final_info.json": JSON.stringify(info(0.5)),
    "i1/run_1/final_info.json": JSON.stringify(info(0.75)),
  });
  const context = llmContext("writer", { relatedWork: 6, citationRounds, latexFixes: 5, claimFixes: 3 }, provider, {
    artifacts,
    papers: [paperFixture("p2", "Warmup")],
  });
  const effects = {
    checkClaims: checkClaimsActor(context),
    publishPaper: publishPaperActor(context),
    renderLatex: renderLatexActor(context),
    storeFixedLatex: storeFixedLatexActor(context),
  };
  const machine = writerMachine.provide({ actors: { ...writerLlmPolicy(context), ...effects } as never });
  return { h: new MachineHarness(machine), provider, artifacts, context };
}

describe("llm writer policy", () => {
  it("writes every section in the seed's order with a refinement pass, around the code's checked table, then runs the seed's citation rounds", async () => {
    const { h, provider, artifacts, context } = harness(Array(30).fill(byRequest));
    const [compile] = await h.send("study.completed", study, "i1");
    expect(compile).toMatchObject({ type: "experiment.requested", payload: { kind: "latex", attempt: 1 } });
    const [out] = await h.send("experiment.finished", compiled(1, "ok"), "i1");
    expect(out!.type).toBe("paper.drafted");
    expect(out!.payload).toMatchObject({
      title: "Large Learning Rates Help Moons",
      evidence: { checkedNumbers: 2 },
      pdf: "i1/paper.pdf",
      latexStatus: "ok",
      provenance: { unsupported: 0 },
    });
    const paper = artifacts.files.get("i1/paper.md")!;
    expect(paper).toContain(resultsTable(study as never));
    expect(paper.split(TABLE_BEGIN)).toHaveLength(2); // only the code's table marker survives
    const headings = paper
      .split("\n")
      .filter((l) => l.startsWith("## "))
      .map((l) => l.replace(/^## (\d+ )?/, ""));
    expect(headings).toEqual([
      "Introduction",
      "Background",
      "Method",
      "Experimental Setup",
      "Results",
      "Related Work",
      "Conclusion",
      "References",
    ]);
    expect(paper).toContain(`[@${FIRST_KEY}] Learning rate schedules, ICML 2019.`);
    // Round 1: query, the literature's answer, selection, the edit; round 2: "No more citations needed".
    expect(context.searches).toEqual(["learning rate warmup"]);
    expect(paper).toContain(`Warmup helps [@${FOUND_KEY}].`);
    expect(paper).toContain(`[@${FOUND_KEY}] Warmup, NeurIPS 2020.`);
    const names = provider.requests.map((r) => r.schemaName);
    expect(names.filter((n) => n === "section" || n === "title_abstract")).toHaveLength(16);
    expect(names.slice(16)).toEqual(["citation_query", "citation_select", "citation_edit", "citation_query"]);
    const firstCitation = provider.requests[16]!;
    expect(firstCitation.system).toContain("You will have 20 rounds to add to the references");
    expect(firstCitation.messages[0]!.content).toContain("Round 1/20:");
    expect(provider.requests[17]!.messages.at(-1)!.content).toContain(
      "0: Warmup. A. Author. NeurIPS, 2020.\nAbstract: Abstract of Warmup.",
    );
    expect(provider.requests[18]!.messages[0]!.content).toContain(`@inproceedings{${FOUND_KEY},`);
    expect(provider.requests[1]!.messages.at(-1)!.content).toContain(
      "Great job! Now criticize and refine only the Abstract",
    );
    // Every bib entry came from a literature answer: the found work is in paper.tex's bibliography and cited there.
    const tex = artifacts.files.get("i1/paper.tex")!;
    expect(tex).toContain(`\\cite{${FOUND_KEY}}`);
    expect(artifacts.files.get("i1/references.bib")).toContain(`@inproceedings{${FOUND_KEY},`);
    const record = JSON.parse(artifacts.files.get("i1/provenance.json")!);
    expect(
      record.claims
        .filter((c: { kind: string }) => c.kind === "bib-entry")
        .map((c: { text: string; verdict: string }) => `${c.text} ${c.verdict}`),
    ).toEqual(expect.arrayContaining([`${FIRST_KEY} supported`, `${FOUND_KEY} supported`]));
  });

  it("skips a citation round whose reply is invalid, as the seed does, and goes on", async () => {
    let queries = 0;
    const flaky: ScriptStep = (request) => {
      if (request.schema?.name !== "citation_query") return byRequest(request, 0);
      queries++;
      return queries === 1
        ? { object: { nonsense: true } }
        : { object: { Thought: NO_MORE, Description: "", Query: "" } };
    };
    const { h, provider } = harness(Array(30).fill(flaky));
    const [out] = await h.send("study.completed", study, "i1");
    expect(out!.type).toBe("experiment.requested");
    expect(provider.requests.map((r) => r.schemaName).slice(16)).toEqual(["citation_query", "citation_query"]);
  });

  it("reads the seed's Selected string", () => {
    expect(parseSelected("[0, 2]", 3)).toEqual([0, 2]);
    expect(parseSelected("[]", 3)).toEqual([]);
    expect(parseSelected("[3]", 3)).toBeNull();
    expect(parseSelected("first", 3)).toBeNull();
  });

  it("shows the model its invalid section and accepts the repaired one", async () => {
    const { h, provider } = harness([{ object: { title: "", abstract: "" } }, ...Array(30).fill(byRequest)], 1);
    const [out] = await h.send("study.completed", study, "i1");
    expect(out!.type).toBe("experiment.requested");
    expect(provider.sent[1]!.messages.at(-1)!.content).toContain("did not match the required output schema");
  });

  it("fails the idea with the reason when the budget is exhausted mid-paper", async () => {
    const { h } = harness([
      byRequest,
      byRequest,
      byRequest,
      { error: new LlmError("LLM_BUDGET_EXHAUSTED", "budget exhausted") },
    ]);
    const [out] = await h.send("study.completed", study, "i1");
    expect(out!.type).toBe("idea.failed");
    expect((out!.payload as { reason: string }).reason).toMatch(/refining Introduction: \[LLM_BUDGET_EXHAUSTED\]/);
  });

  it("fails the idea when the budget runs out in a citation round (not skipped like an invalid reply)", async () => {
    const broke: ScriptStep = (request) =>
      request.schema?.name === "citation_query"
        ? { error: new LlmError("LLM_BUDGET_EXHAUSTED", "budget exhausted") }
        : byRequest(request, 0);
    const { h } = harness(Array(30).fill(broke));
    const [out] = await h.send("study.completed", study, "i1");
    expect(out!.type).toBe("idea.failed");
    expect((out!.payload as { reason: string }).reason).toMatch(/citation round 1: query: \[LLM_BUDGET_EXHAUSTED\]/);
  });
});
