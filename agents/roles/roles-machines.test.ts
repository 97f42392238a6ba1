import { describe, expect, it } from "vitest";
import { fromPromise } from "xstate";
import type { ArchiveEntry, Payload } from "../../bus/index.ts";
import { MachineHarness, tinyTemplate } from "../../tests/support/machine-harness.ts";
import { experimenterMachine } from "./experimenter/index.ts";
import { noveltyMachine } from "./novelty/index.ts";
import { judgeRules, rulesQueries } from "./novelty/index.ts";
import { reviewerMachine } from "./reviewer/index.ts";
import { writerMachine } from "./writer/index.ts";
import { writeRulesPaper, RULES_DISCLAIMER } from "./writer/index.ts";
import { checkTableNumbers } from "./writer/index.ts";

const idea = {
  Name: "lr_1",
  Title: "lr = 1 instead of 0.1",
  Experiment: "Try lr 1.",
  Interestingness: 5,
  Feasibility: 9,
  Novelty: 7,
};
const proposed = { ideaId: "i1", idea, params: { lr: 1 }, parent: null, generation: 1 };

describe("novelty machine", () => {
  it("emits the assessment its policy returns", async () => {
    const h = new MachineHarness(
      noveltyMachine.provide({
        actors: {
          assess: fromPromise(async () => ({ ...proposed, novel: true, reason: "ok", rounds: 2, evidence: [] })),
        } as never,
      }),
    );
    const [out] = await h.send("idea.proposed", proposed, "i1");
    expect(out).toMatchObject({ type: "idea.assessed", payload: { ideaId: "i1", novel: true } });
  });

  it("fails the idea, with the reason, when the check itself fails", async () => {
    const h = new MachineHarness(
      noveltyMachine.provide({
        actors: {
          assess: fromPromise(async () => {
            throw new Error("corpus unreadable");
          }),
        } as never,
      }),
    );
    const [out] = await h.send("idea.proposed", proposed, "i1");
    expect(out).toMatchObject({ type: "idea.failed", payload: { ideaId: "i1", stage: "novelty" } });
    expect((out!.payload as { reason: string }).reason).toContain("corpus unreadable");
  });

  it("rules: identical archived settings make an idea not novel, with the archive entry as evidence", () => {
    const archived = {
      ideaId: "old",
      run: "r-old",
      template: "tiny",
      idea,
      params: { lr: 1 },
      parent: null,
      generation: 1,
      status: "decided",
      novel: true,
      overall: 5,
      decision: "Reject",
      reason: null,
      updatedAt: "x",
    } as ArchiveEntry;
    const verdict = judgeRules(proposed, [archived], [], 1, 0.8);
    expect(verdict.novel).toBe(false);
    expect(verdict.evidence[0]).toMatchObject({ source: "archive", id: "old" });
    expect(
      judgeRules(
        proposed,
        [],
        [
          {
            id: "p",
            title: "Unrelated work",
            abstract: "",
            authors: [],
            venue: "X",
            year: 2020,
            citations: null,
            source: "offline",
            score: 3,
          },
        ],
        1,
        0.8,
      ).novel,
    ).toBe(true);
    expect(rulesQueries(proposed, "acc", 10)).toEqual(["lr neural network training", "lr multilayer perceptron acc"]);
  });
});

describe("experimenter machine", () => {
  const request: Payload<"experiment.requested"> = {
    ideaId: "i1",
    kind: "experiment",
    runIndex: 1,
    attempt: 2,
    files: {},
    inputs: {},
    command: ["python3"],
    timeoutMs: 1000,
    cacheKey: null,
  };

  it("reports a failure of the sandbox effect itself as a failed attempt the coder can act on", async () => {
    const h = new MachineHarness(
      experimenterMachine.provide({
        actors: {
          runExperiment: fromPromise(async () => {
            throw new Error("engine down");
          }),
        } as never,
      }),
    );
    const [out] = await h.send("experiment.requested", request, "i1");
    expect(out).toMatchObject({
      type: "experiment.finished",
      payload: { ideaId: "i1", runIndex: 1, attempt: 2, status: "error" },
    });
    expect((out!.payload as { reason: string }).reason).toContain("engine down");
  });
});

describe("reviewer machine", () => {
  it("submits the policy's review for its seat", async () => {
    const review = { Overall: 7 };
    const h = new MachineHarness(
      reviewerMachine.provide({ actors: { review: fromPromise(async () => review) } as never }),
    );
    const [out] = await h.send(
      "review.requested",
      { paperId: "p", ideaId: "i1", seat: 3, persona: "skeptic", paper: {} },
      "i1",
    );
    expect(out).toMatchObject({ type: "review.submitted", seat: 3, payload: { seat: 3, persona: "skeptic", review } });
  });
});

describe("writer", () => {
  const study: Payload<"study.completed"> = {
    ideaId: "i1",
    idea,
    params: { lr: 1 },
    baseline: { a: { means: { acc: 0.5 } } },
    runs: [
      {
        runIndex: 0,
        params: {},
        status: "ok",
        finalInfo: { a: { means: { acc: 0.5 } } },
        attempts: 1,
        reason: null,
        description: "",
      },
      {
        runIndex: 1,
        params: { lr: 1, width: 8 },
        status: "ok",
        finalInfo: { a: { means: { acc: 0.75 } } },
        attempts: 1,
        reason: null,
        description: "",
      },
    ],
    plots: { "acc.png": "i1/acc.png" },
    notes: "",
    evidence: [{ source: "offline", id: "x", title: "A related paper", year: 2019, venue: "ICML", score: 2 }],
  };

  it("rules paper has the seed's sections, says it was written without a model, and passes its own number check", () => {
    const draft = writeRulesPaper(tinyTemplate, study, 5);
    for (const section of [
      "Abstract",
      "1 Introduction",
      "2 Background",
      "3 Method",
      "4 Experimental Setup",
      "5 Results",
      "6 Related Work",
      "7 Conclusion",
    ]) {
      expect(draft.markdown).toContain(section);
    }
    expect(draft.markdown).toContain(RULES_DISCLAIMER);
    expect(draft.markdown).toContain("![acc](acc.png)");
    expect(checkTableNumbers(draft.markdown, study, { 0: study.baseline, 1: study.runs[1]!.finalInfo! })).toBe(2);
  });

  it("machine fails the idea when publishing finds a wrong number", async () => {
    const h = new MachineHarness(
      writerMachine.provide({
        actors: {
          writePaper: fromPromise(async () => ({ title: "t", abstract: "a", markdown: "m" })),
          publishPaper: fromPromise(async () => {
            throw new Error("results table says a/acc/run_1 = 0.8");
          }),
        } as never,
      }),
    );
    const [out] = await h.send("study.completed", study, "i1");
    expect(out).toMatchObject({ type: "idea.failed", payload: { ideaId: "i1", stage: "writer" } });
  });
});

describe("mixing policies", () => {
  it("rules novelty does not call two ideas without settings identical", () => {
    const noParams = { ...proposed, params: {} };
    const archived = {
      ideaId: "old",
      run: "r-old",
      template: "tiny",
      idea,
      params: {},
      parent: null,
      generation: 1,
      status: "decided",
      novel: true,
      overall: 5,
      decision: "Reject",
      reason: null,
      updatedAt: "x",
    } as ArchiveEntry;
    expect(judgeRules(noParams, [archived], [], 1, 0.8).novel).toBe(true);
  });
});
