import { describe, expect, it } from "vitest";
import { fromPromise } from "xstate";
import { MachineHarness } from "../../../tests/support/machine-harness.ts";
import { paper } from "../../../tests/support/paper-fixture.ts";
import { personas } from "../reviewer/personas.ts";
import { reviewRules } from "../reviewer/rules-review.ts";
import { aggregate, type SeatReview } from "./decide.ts";
import { areaChairMachine } from "./machine.ts";


describe("area chair machine", () => {
  it("requests one review per seat with distinct personas and decides once every seat has answered", async () => {
    const machine = areaChairMachine.provide({
      actors: {
        decide: fromPromise(async ({ input }: { input: { reviews: SeatReview[] } }) => ({ ...aggregate(input.reviews, 6), reviews: input.reviews, paperId: "paper-i1" })),
      } as never,
    });
    const h = new MachineHarness(machine, { seats: 5, personas: personas.map((p) => p.name) });
    const requests = await h.send("paper.drafted", paper, "i1");
    expect(requests.map((r) => r.type)).toEqual(Array(5).fill("review.requested"));
    expect(new Set(requests.map((r) => (r.payload as { persona: string }).persona)).size).toBe(5);
    expect(requests.map((r) => r.seat)).toEqual([0, 1, 2, 3, 4]);
    const review = (seat: number) => ({ paperId: "paper-i1", ideaId: "i1", seat, persona: personas[seat]!.name, review: reviewRules(paper, personas[seat]!) });
    for (const seat of [3, 0, 1, 2]) expect(await h.send("review.submitted", review(seat), "i1")).toEqual([]);
    // A redelivered review for a seat already counted does not complete the panel.
    expect(await h.send("review.submitted", review(2), "i1")).toEqual([]);
    const [decided] = await h.send("review.submitted", review(4), "i1");
    expect(decided?.type).toBe("paper.decided");
    expect((decided?.payload as { reviews: unknown[] }).reviews).toHaveLength(5);
  });
});

describe("panel aggregation", () => {
  it("uses the rounded mean of each score and accepts iff Overall reaches the threshold", () => {
    const mk = (overall: number): SeatReview => ({ seat: 0, persona: "x", review: { ...reviewRules(paper, personas[0]!), Overall: overall } });
    expect(aggregate([mk(5), mk(6), mk(7), mk(6), mk(6)], 6)).toMatchObject({ overall: 6, decision: "Accept" });
    expect(aggregate([mk(5), mk(5), mk(6), mk(5), mk(6)], 6)).toMatchObject({ overall: 5, decision: "Reject" });
  });
});

describe("rules reviewers", () => {
  it("score a clear effect higher than no effect, and personas disagree", () => {
    const weak = { ...paper, evidence: { ...paper.evidence, effects: paper.evidence.effects.map((e) => ({ ...e, best: e.baseline, delta: 0 })), runsFailed: 1 } };
    const strong = personas.map((p) => reviewRules(paper, p).Overall);
    const none = personas.map((p) => reviewRules(weak, p).Overall);
    expect(Math.min(...strong)).toBeGreaterThan(Math.max(...none));
    expect(new Set(strong).size + new Set(none).size).toBeGreaterThan(2);
    for (const r of personas.map((p) => reviewRules(weak, p))) expect(r.Decision).toBe(r.Overall >= 6 ? "Accept" : "Reject");
  });

  it("reject a clean paper whose change improved no dataset, and accept a consistent clear gain", () => {
    const worse = { ...paper, evidence: { ...paper.evidence, effects: paper.evidence.effects.map((e) => ({ ...e, best: e.baseline - 0.004, delta: -0.004 })) } };
    for (const p of personas) expect(reviewRules(worse, p).Decision).toBe("Reject");
    const accepts = personas.filter((p) => reviewRules(paper, p).Decision === "Accept");
    expect(accepts.length).toBeGreaterThanOrEqual(4);
  });
});
