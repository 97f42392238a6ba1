import { describe, expect, it } from "vitest";
import type { Payload } from "../../../bus/index.ts";
import { paper } from "../../../tests/support/paper-fixture.ts";
import { personas } from "./personas.ts";
import { reviewRules, weakEvidenceCaps } from "./rules-review.ts";

type Drafted = Payload<"paper.drafted">;
const withEffects = (
  p: Drafted,
  map: (e: Drafted["evidence"]["effects"][number]) => Partial<Drafted["evidence"]["effects"][number]>,
  evidence: Partial<Drafted["evidence"]> = {},
): Drafted => ({
  ...p,
  evidence: { ...p.evidence, ...evidence, effects: p.evidence.effects.map((e) => ({ ...e, ...map(e) })) },
});

describe("rules reviewers", () => {
  it("score a clear effect higher than no effect, and personas disagree", () => {
    const weak = withEffects(paper, (e) => ({ best: e.baseline, delta: 0 }), { runsFailed: 1 });
    const strong = personas.map((p) => reviewRules(paper, p).Overall);
    const none = personas.map((p) => reviewRules(weak, p).Overall);
    expect(Math.min(...strong)).toBeGreaterThan(Math.max(...none));
    expect(new Set(strong).size + new Set(none).size).toBeGreaterThan(2);
    for (const r of personas.map((p) => reviewRules(weak, p)))
      expect(r.Decision).toBe(r.Overall >= 6 ? "Accept" : "Reject");
  });

  it("reject a clean paper whose change improved no dataset, and accept a consistent clear gain", () => {
    const worse = withEffects(paper, (e) => ({ best: e.baseline - 0.004, delta: -0.004 }));
    for (const p of personas) expect(reviewRules(worse, p).Decision).toBe("Reject");
    const accepts = personas.filter((p) => reviewRules(paper, p).Decision === "Accept");
    expect(accepts.length).toBeGreaterThanOrEqual(4);
  });

  it("treat a single-seed comparison as weak evidence: no Accept, capped scores, and every persona says why", () => {
    // The same large gains as the fixture, but measured with one seed: before, a zero spread counted as 0.005 and
    // every persona gave Accept (up to 10).
    for (const single of [
      withEffects(paper, () => ({ spread: 0, spreadKnown: false })),
      withEffects(paper, () => ({ spread: 0 })),
    ]) {
      for (const persona of personas) {
        const r = reviewRules(single, persona);
        expect(r.Overall).toBeLessThanOrEqual(weakEvidenceCaps.Overall);
        expect(r.Decision).toBe("Reject");
        expect(r.Soundness).toBeLessThanOrEqual(weakEvidenceCaps.Soundness);
        expect(r.Significance).toBeLessThanOrEqual(weakEvidenceCaps.Significance);
        expect(r.Weaknesses.join(" ")).toContain(
          "single-seed (or zero-spread), which cannot establish that the change is significant",
        );
      }
    }
    // A single-seed loss still reads as a loss, not as weak evidence of a gain.
    const singleLoss = withEffects(paper, (e) => ({
      best: e.baseline - 0.05,
      delta: -0.05,
      spread: 0,
      spreadKnown: false,
    }));
    for (const persona of personas) expect(reviewRules(singleLoss, persona).Overall).toBeLessThanOrEqual(4);
  });

  it("count only the datasets with a seed spread when some have none, and say which were left out", () => {
    const mixed: Drafted = {
      ...paper,
      evidence: {
        ...paper.evidence,
        effects: paper.evidence.effects.map((e, i) => (i === 0 ? { ...e, spread: 0, spreadKnown: false } : e)),
      },
    };
    const r = reviewRules(mixed, personas[0]!);
    expect(r.Weaknesses.join(" ")).toContain("1 of 3 datasets (a) report no seed spread");
    expect(r.Strengths.join(" ")).toContain("2 of 2 datasets improve");
  });

  it("score the idea's own run by the metric's direction: lower is better turns a rise into a loss", () => {
    // SEIR-like: the idea's run raised the metric, and lower is better, so it made things worse.
    const lowerIsBetter = withEffects(paper, () => ({}), { higherIsBetter: false });
    for (const persona of personas) {
      const r = reviewRules(lowerIsBetter, persona);
      expect(r.Decision).toBe("Reject");
      expect(r.Weaknesses.join(" ")).toContain(
        "3 of 3 datasets get worse (lower is better) by more than one seed spread in the idea's run",
      );
    }
    const fell = withEffects(paper, (e) => ({ best: e.baseline - e.delta, delta: -e.delta }), {
      higherIsBetter: false,
    });
    expect(personas.filter((p) => reviewRules(fell, p).Decision === "Accept").length).toBeGreaterThanOrEqual(4);
  });

  it("raise unsupported provenance claims as a soundness weakness in every persona", () => {
    const claimed: Drafted = {
      ...paper,
      provenance: {
        checked: 10,
        supported: 8,
        unsupported: 2,
        artifact: "i1/provenance.json",
        claims: [
          { claim: "a new state of the art on CIFAR-10", location: "abstract", reason: "no run used CIFAR-10" },
          { claim: "97.8%", location: "section Results", reason: "no run artifact holds 97.8" },
        ],
      },
    };
    for (const persona of personas) {
      const r = reviewRules(claimed, persona);
      expect(r.Weaknesses[0]).toContain('2 unsupported claims: "a new state of the art on CIFAR-10" (abstract');
      expect(r.Weaknesses[0]).toContain("An unsupported claim is a soundness problem.");
      expect(r.Soundness).toBeLessThanOrEqual(2);
      expect(r.Overall).toBeLessThanOrEqual(reviewRules(paper, persona).Overall);
    }
  });
});
