import { describe, expect, it } from "vitest";
import type { Payload, Review } from "../../../bus/index.ts";
import { LlmError, scriptedProvider, type ScriptStep } from "../../llm/index.ts";
import { fakeArtifacts, llmContext } from "../../../tests/support/llm-context.ts";
import { MachineHarness } from "../../../tests/support/machine-harness.ts";
import { paper as fixture } from "../../../tests/support/paper-fixture.ts";
import { personas } from "../reviewer/index.ts";
import { reviewRules } from "../reviewer/index.ts";
import { areaChairConfigSchema } from "./config.ts";
import { areaChairLlmPolicy } from "./llm-policy.ts";
import { areaChairMachine } from "./machine.ts";
import { areaChair } from "./role.ts";

const review = (overall: number): Review => ({
  ...reviewRules(fixture, personas[0]!),
  Overall: overall,
  Decision: overall >= 6 ? "Accept" : "Reject",
});
const paper: Payload<"paper.drafted"> = {
  ...fixture,
  textArtifact: "i1/paper.txt",
  provenance: {
    checked: 5,
    supported: 4,
    unsupported: 1,
    artifact: "i1/provenance.json",
    claims: [{ claim: "a new state of the art on CIFAR-10", location: "abstract", reason: "no run used CIFAR-10" }],
  },
};

describe("llm area chair meta-review", () => {
  function chair(script: ScriptStep[], config: Record<string, unknown> = { seats: 2 }) {
    const provider = scriptedProvider(script);
    const context = llmContext("area-chair", areaChairConfigSchema.parse(config), provider, {
      artifacts: fakeArtifacts({ "i1/paper.txt": "PDFTEXT of the paper as compiled. " + "y".repeat(3000) }),
    });
    const machine = areaChairMachine.provide({
      actors: { ...areaChair.effects!(context as never), ...areaChairLlmPolicy(context) } as never,
    });
    return { h: new MachineHarness(machine, areaChair.input!(context as never, undefined as never)), provider };
  }
  const submitted = (seat: number, overall: number) => ({
    paperId: "paper-i1",
    ideaId: "i1",
    seat,
    persona: "p",
    review: review(overall),
  });

  it("reads the paper, its provenance and effects with the reviews; scores and decision stay the rounded mean, threshold and overruling", async () => {
    const { h, provider } = chair(
      [
        {
          object: { thought: "consensus", review: { ...review(9), Summary: "The panel agrees the effect is small." } },
        },
      ],
      { seats: 3, quorum: 2, maxPaperChars: 1000 },
    );
    await h.send("paper.drafted", paper, "i1");
    await h.send("review.submitted", submitted(0, 6), "i1");
    await h.send(
      "review.failed",
      { paperId: "paper-i1", ideaId: "i1", seat: 1, persona: "skeptic", reason: "[LLM_TIMEOUT] timed out" },
      "i1",
    );
    const [out] = await h.send("review.submitted", submitted(2, 7), "i1");
    expect(out!.type).toBe("paper.decided");
    // mean(6, 7) = 6.5 rounds to 7, which would accept; the unsupported claim overrules it. The model's 9 does not
    // count.
    expect(out!.payload).toMatchObject({
      overall: 7,
      decision: "Reject",
      failedSeats: [{ seat: 1, reason: "[LLM_TIMEOUT] timed out" }],
      metaReview: expect.stringContaining("The panel agrees the effect is small."),
    });
    expect((out!.payload as { overruled: string }).overruled).toContain(
      '1 unsupported claim: "a new state of the art on CIFAR-10" (abstract',
    );
    const request = provider.requests[0]!;
    expect(request.system).toContain("You are in charge of meta-reviewing a paper that was reviewed by 2 reviewers.");
    const prompt = request.messages[0]!.content;
    expect(prompt).toContain('9. Confidence:  Please provide a "confidence score"');
    expect(prompt).toContain("Here is the paper the reviewers reviewed:\n```\nPDFTEXT of the paper as compiled.");
    expect(prompt).toContain("[Truncated: the paper has");
    expect(prompt).toContain('- "a new state of the art on CIFAR-10" (abstract): no run used CIFAR-10');
    expect(prompt).toContain("the idea's run (run_1) 0.9, change +0.1");
    expect(prompt).toContain("Review 1/2:\n```\n{");
    expect(prompt).toContain("Review 2/2:");
    expect(prompt).toContain("1 more reviewer seat(s) could not review this paper");
  });

  it("fails the idea with the reason when the meta-review cannot be written", async () => {
    const { h } = chair([{ error: new LlmError("LLM_BUDGET_EXHAUSTED", "budget exhausted") }]);
    await h.send("paper.drafted", paper, "i1");
    await h.send("review.submitted", submitted(0, 6), "i1");
    const [out] = await h.send("review.submitted", submitted(1, 7), "i1");
    expect(out).toMatchObject({
      type: "idea.failed",
      payload: { stage: "area-chair", reason: expect.stringContaining("[LLM_BUDGET_EXHAUSTED]") },
    });
  });
});
