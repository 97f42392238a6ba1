import { describe, expect, it } from "vitest";
import { LlmError, scriptedProvider, type ScriptStep } from "../../llm/index.ts";
import { llmContext } from "../../../tests/support/llm-context.ts";
import { MachineHarness } from "../../../tests/support/machine-harness.ts";
import { fewShotExample } from "../reviewer/llm-prompts.ts";
import { areaChairLlmPolicy } from "./llm-meta-review.ts";
import { areaChairMachine } from "./machine.ts";
import { areaChair } from "./role.ts";
import { paper } from "../../../tests/support/paper-fixture.ts";

const review = (overall: number) => ({ ...fewShotExample.review, Overall: overall, Decision: overall >= 6 ? "Accept" : "Reject" });

describe("llm area chair meta-review", () => {
  function chair(script: ScriptStep[]) {
    const provider = scriptedProvider(script);
    const context = llmContext("area-chair", { seats: 2, threshold: 6 }, provider);
    const machine = areaChairMachine.provide({ actors: { ...areaChair.effects!(context as never), ...areaChairLlmPolicy(context) } as never });
    return new MachineHarness(machine, { seats: 2, personas: ["empiricist", "skeptic"] });
  }
  const submitted = (seat: number, overall: number) => ({ paperId: "paper-i1", ideaId: "i1", seat, persona: "p", review: review(overall) });

  it("writes the meta-review with the model while scores and decision stay the rounded mean and threshold", async () => {
    const h = chair([{ object: { thought: "consensus", review: { ...review(9), Summary: "The panel agrees the effect is small." } } }]);
    await h.send("paper.drafted", paper, "i1");
    await h.send("review.submitted", submitted(0, 6), "i1");
    const [out] = await h.send("review.submitted", submitted(1, 7), "i1");
    expect(out!.type).toBe("paper.decided");
    // mean(6, 7) = 6.5 rounds to 7: the model's own Overall of 9 does not count.
    expect(out!.payload).toMatchObject({ overall: 7, decision: "Accept", metaReview: expect.stringContaining("The panel agrees the effect is small.") });
  });

  it("fails the idea with the reason when the meta-review cannot be written", async () => {
    const h = chair([{ error: new LlmError("LLM_BUDGET_EXHAUSTED", "budget exhausted") }]);
    await h.send("paper.drafted", paper, "i1");
    await h.send("review.submitted", submitted(0, 6), "i1");
    const [out] = await h.send("review.submitted", submitted(1, 7), "i1");
    expect(out).toMatchObject({ type: "idea.failed", payload: { stage: "area-chair", reason: expect.stringContaining("[LLM_BUDGET_EXHAUSTED]") } });
  });
});
