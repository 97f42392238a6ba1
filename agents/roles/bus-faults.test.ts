// A transient bus fault (the object store unreachable mid-failover, say) is never a result of the idea: in every
// role's machine it fails the step retryably, so the runtime redelivers it, where a real error of the step is still
// recorded (idea.failed, review.failed). Measured on a 3-node cluster: the writer read a plot during a leader
// election, got a timeout, and failed the idea.
import { describe, expect, it } from "vitest";
import { fromPromise, type AnyStateMachine } from "xstate";
import { BusError } from "../../bus/index.ts";
import { MachineHarness } from "../../tests/support/machine-harness.ts";
import { paper } from "../../tests/support/paper-fixture.ts";
import { areaChairMachine } from "./area-chair/index.ts";
import { noveltyMachine } from "./novelty/index.ts";
import { personas, reviewerMachine } from "./reviewer/index.ts";
import { writerMachine } from "./writer/index.ts";

const outage = () =>
  new BusError("BUS_ARTIFACT_FAILED", "artifact store: cannot read i1/acc.png: TIMEOUT", { retryable: true });
const idea = { Name: "lr_1", Title: "lr 1", Experiment: "Try lr 1.", Interestingness: 5, Feasibility: 9, Novelty: 7 };
const proposed = { ideaId: "i1", idea, params: { lr: 1 }, parent: null, generation: 1 };
const study = {
  ideaId: "i1",
  idea,
  params: { lr: 1 },
  baseline: { a: { means: { acc: 0.5 } } },
  runs: [],
  plots: {},
  notes: "",
  evidence: [],
};
const reviewRequest = { paperId: "p", ideaId: "i1", seat: 0, persona: "skeptic", paper: {} };

interface Case {
  role: string;
  machine: AnyStateMachine;
  actor: string;
  type: string;
  payload: unknown;
  failure: string;
}

const cases: Case[] = [
  {
    role: "novelty",
    machine: noveltyMachine,
    actor: "assess",
    type: "idea.proposed",
    payload: proposed,
    failure: "idea.failed",
  },
  {
    role: "writer",
    machine: writerMachine,
    actor: "writePaper",
    type: "study.completed",
    payload: study,
    failure: "idea.failed",
  },
  {
    role: "reviewer",
    machine: reviewerMachine,
    actor: "review",
    type: "review.requested",
    payload: reviewRequest,
    failure: "review.failed",
  },
];

describe.each(cases)("the $role on a bus fault", ({ machine, actor, type, payload, failure }) => {
  const failing = (error: Error) =>
    new MachineHarness(
      machine.provide({
        actors: {
          [actor]: fromPromise(async () => {
            throw error;
          }),
        } as never,
      }),
    );

  it("fails the step retryably instead of recording the outage as the idea's result", async () => {
    const h = failing(outage());
    await expect(h.send(type, payload, "i1")).rejects.toMatchObject({
      code: "RUNTIME_MACHINE_FAILED",
      retryable: true,
    });
    expect(h.outputs).toEqual([]);
  });

  it(`still records a real failure of the step as ${failure}`, async () => {
    const [out] = await failing(new Error("the model refused")).send(type, payload, "i1");
    expect(out).toMatchObject({ type: failure });
    expect(JSON.stringify(out!.payload)).toContain("the model refused");
  });
});

describe("the area chair on a bus fault", () => {
  const chairFailingWith = (error: Error) =>
    new MachineHarness(
      areaChairMachine.provide({
        actors: {
          metaReview: fromPromise(async () => {
            throw error;
          }),
        } as never,
      }),
      { seats: 1, personas: [personas[0]!.name] },
    );
  const review = { paperId: "paper-i1", ideaId: "i1", seat: 0, persona: personas[0]!.name, review: { Overall: 6 } };

  it("fails the meta-review retryably on an outage, and records a real failure as idea.failed", async () => {
    const h = chairFailingWith(outage());
    await h.send("paper.drafted", paper, "i1");
    await expect(h.send("review.submitted", review, "i1")).rejects.toMatchObject({ retryable: true });
    const real = chairFailingWith(new Error("the model refused"));
    await real.send("paper.drafted", paper, "i1");
    const [out] = await real.send("review.submitted", review, "i1");
    expect(out).toMatchObject({ type: "idea.failed" });
    expect(JSON.stringify(out!.payload)).toContain("the model refused");
  });
});
