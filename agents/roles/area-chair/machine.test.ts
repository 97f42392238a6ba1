import { describe, expect, it } from "vitest";
import { fromPromise } from "xstate";
import type { Payload, Review } from "../../../bus/index.ts";
import { scriptedProvider } from "../../llm/index.ts";
import { llmContext } from "../../../tests/support/llm-context.ts";
import { MachineHarness } from "../../../tests/support/machine-harness.ts";
import { paper } from "../../../tests/support/paper-fixture.ts";
import { personas } from "../reviewer/index.ts";
import { reviewRules } from "../reviewer/index.ts";
import { areaChairConfigSchema } from "./config.ts";
import { aggregate, type SeatReview } from "./decide.ts";
import { areaChairMachine } from "./machine.ts";
import { areaChair } from "./role.ts";

type Drafted = Payload<"paper.drafted">;

const formReview = (overall: number): Review => ({
  ...reviewRules(paper, personas[0]!),
  Overall: overall,
  Decision: overall >= 6 ? "Accept" : "Reject",
});
const submitted = (seat: number, overall: number) => ({
  paperId: "paper-i1",
  ideaId: "i1",
  seat,
  persona: personas[seat]!.name,
  review: formReview(overall),
});
const failed = (seat: number, reason: string) => ({
  paperId: "paper-i1",
  ideaId: "i1",
  seat,
  persona: personas[seat]!.name,
  reason,
});

/** The area chair with its real decide effect (rules meta-review) over in-memory artifacts. */
function chair(raw: Record<string, unknown> = {}) {
  const config = areaChairConfigSchema.parse(raw);
  const context = llmContext("area-chair", config, scriptedProvider([]));
  const machine = areaChairMachine.provide({ actors: areaChair.effects!(context as never) as never });
  return { h: new MachineHarness(machine, areaChair.input!(context as never, undefined as never)), context };
}

const unsupportedPaper: Drafted = {
  ...paper,
  provenance: {
    checked: 12,
    supported: 9,
    unsupported: 3,
    artifact: "i1/provenance.json",
    claims: [
      { claim: "improves accuracy by 12.3% to 97.8%", location: "abstract", reason: "no run artifact holds 97.8" },
      { claim: "on CIFAR-10", location: "section Results", reason: "no run used CIFAR-10" },
      { claim: "\\cite{smith2020}", location: "section Related Work", reason: "key absent from the bibliography" },
    ],
  },
};

describe("area chair machine", () => {
  it("requests one review per seat with distinct personas and decides once every seat has answered", async () => {
    const machine = areaChairMachine.provide({
      actors: {
        decide: fromPromise(async ({ input }: { input: { reviews: SeatReview[] } }) => ({
          ...aggregate(input.reviews, 6),
          reviews: input.reviews,
          paperId: "paper-i1",
        })),
      } as never,
    });
    const h = new MachineHarness(machine, { seats: 5, personas: personas.map((p) => p.name) });
    const requests = await h.send("paper.drafted", paper, "i1");
    expect(requests.map((r) => r.type)).toEqual(Array(5).fill("review.requested"));
    expect(new Set(requests.map((r) => (r.payload as { persona: string }).persona)).size).toBe(5);
    expect(requests.map((r) => r.seat)).toEqual([0, 1, 2, 3, 4]);
    const review = (seat: number) => ({
      paperId: "paper-i1",
      ideaId: "i1",
      seat,
      persona: personas[seat]!.name,
      review: reviewRules(paper, personas[seat]!),
    });
    for (const seat of [3, 0, 1, 2]) expect(await h.send("review.submitted", review(seat), "i1")).toEqual([]);
    // A redelivered review for a seat already counted does not complete the panel.
    expect(await h.send("review.submitted", review(2), "i1")).toEqual([]);
    const [decided] = await h.send("review.submitted", review(4), "i1");
    expect(decided?.type).toBe("paper.decided");
    expect((decided?.payload as { reviews: unknown[] }).reviews).toHaveLength(5);
  });

  it("decides on the seats that answered when one seat failed and the quorum is reached, listing the failed seat", async () => {
    const { h, context } = chair();
    await h.send("paper.drafted", paper, "i1");
    for (const [seat, overall] of [
      [0, 6],
      [2, 7],
      [3, 7],
    ] as const)
      expect(await h.send("review.submitted", submitted(seat, overall), "i1")).toEqual([]);
    expect(
      await h.send("review.failed", failed(1, "[LLM_INVALID_OUTPUT] review: Overall must be <= 10"), "i1"),
    ).toEqual([]);
    // A redelivered failure, or a late review from a failed seat, changes nothing.
    expect(await h.send("review.failed", failed(1, "again"), "i1")).toEqual([]);
    expect(await h.send("review.submitted", submitted(1, 1), "i1")).toEqual([]);
    const [out] = await h.send("review.submitted", submitted(4, 8), "i1");
    expect(out!.type).toBe("paper.decided");
    const decided = out!.payload as Payload<"paper.decided">;
    expect(decided.reviews.map((r) => r.seat)).toEqual([0, 2, 3, 4]);
    expect(decided.failedSeats).toEqual([{ seat: 1, reason: "[LLM_INVALID_OUTPUT] review: Overall must be <= 10" }]);
    expect(decided).toMatchObject({ overall: 7, decision: "Accept", overruled: null, provenance: null }); // mean(6,7,7,8) = 7
    expect(decided.metaReview).toContain("Seats that could not review: seat 1");
    expect(JSON.parse(context.artifacts.files.get("i1/review.json")!)).toMatchObject({ failedSeats: [{ seat: 1 }] });
  });

  it("fails the idea below the quorum, naming every failed seat and its reason", async () => {
    const { h } = chair({ quorum: 3 });
    await h.send("paper.drafted", paper, "i1");
    await h.send("review.submitted", submitted(0, 7), "i1");
    await h.send("review.failed", failed(1, "[LLM_BUDGET_EXHAUSTED] budget exhausted"), "i1");
    await h.send("review.submitted", submitted(2, 7), "i1");
    await h.send("review.failed", failed(3, "[LLM_TIMEOUT] timed out"), "i1");
    const out = await h.send("review.failed", failed(4, "[LLM_BUDGET_EXHAUSTED] budget exhausted"), "i1");
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ type: "idea.failed", payload: { ideaId: "i1", stage: "area-chair" } });
    const reason = (out[0]!.payload as { reason: string }).reason;
    expect(reason).toContain("only 2 of 5 seats reviewed, below the quorum of 3");
    for (const text of [
      "seat 1 (skeptic): [LLM_BUDGET_EXHAUSTED]",
      "seat 3 (novelty-seeker): [LLM_TIMEOUT]",
      "seat 4 (practitioner)",
    ])
      expect(reason).toContain(text);
    expect(h.status).toBe("done");
  });

  it("rejects a paper with unsupported claims even at Overall 8; its scores stay the rounded means and overruled says why", async () => {
    const { h } = chair();
    await h.send("paper.drafted", unsupportedPaper, "i1");
    let out: Awaited<ReturnType<typeof h.send>> = [];
    for (const seat of [0, 1, 2, 3, 4]) out = await h.send("review.submitted", submitted(seat, 8), "i1");
    const decided = out[0]!.payload as Payload<"paper.decided">;
    expect(decided).toMatchObject({
      overall: 8,
      decision: "Reject",
      scores: { Overall: 8 },
      provenance: unsupportedPaper.provenance,
    });
    expect(decided.overruled).toMatch(/^3 unsupported claims: "improves accuracy by 12.3% to 97.8%" \(abstract/);
    expect(decided.overruled).toContain("on CIFAR-10");
    expect(decided.metaReview).toContain("Overruled: 3 unsupported claims");
  });

  it("decides on the scores alone when the paper has no provenance check (review-bench), or a clean one", async () => {
    for (const p of [
      paper,
      { ...paper, provenance: { ...unsupportedPaper.provenance!, supported: 12, unsupported: 0, claims: [] } },
    ]) {
      const { h } = chair();
      await h.send("paper.drafted", p, "i1");
      let out: Awaited<ReturnType<typeof h.send>> = [];
      for (const seat of [0, 1, 2, 3, 4]) out = await h.send("review.submitted", submitted(seat, 8), "i1");
      expect(out[0]!.payload).toMatchObject({
        overall: 8,
        decision: "Accept",
        overruled: null,
        provenance: p.provenance,
      });
    }
  });

  it("keeps a rejecting panel's decision without overruling it", async () => {
    const { h } = chair({ seats: 3 });
    await h.send("paper.drafted", unsupportedPaper, "i1");
    let out: Awaited<ReturnType<typeof h.send>> = [];
    for (const seat of [0, 1, 2]) out = await h.send("review.submitted", submitted(seat, 4), "i1");
    expect(out[0]!.payload).toMatchObject({ overall: 4, decision: "Reject", overruled: null });
  });
});

describe("area chair config", () => {
  it("defaults the quorum to 3, or to every seat of a smaller panel, and refuses a quorum above the seats", () => {
    expect(areaChairConfigSchema.parse({})).toMatchObject({
      seats: 5,
      quorum: 3,
      threshold: 6,
      maxPaperChars: 120_000,
    });
    expect(areaChairConfigSchema.parse({ seats: 2 }).quorum).toBe(2);
    const bad = areaChairConfigSchema.safeParse({ seats: 3, quorum: 4 });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0]).toMatchObject({ path: ["quorum"], message: "quorum must not exceed seats" });
  });
});

describe("panel aggregation", () => {
  it("uses the rounded mean of each score and accepts iff Overall reaches the threshold", () => {
    const mk = (overall: number): SeatReview => ({
      seat: 0,
      persona: "x",
      review: { ...reviewRules(paper, personas[0]!), Overall: overall },
    });
    expect(aggregate([mk(5), mk(6), mk(7), mk(6), mk(6)], 6)).toMatchObject({ overall: 6, decision: "Accept" });
    expect(aggregate([mk(5), mk(5), mk(6), mk(5), mk(6)], 6)).toMatchObject({ overall: 5, decision: "Reject" });
  });
});
