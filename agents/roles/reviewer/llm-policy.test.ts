import { describe, expect, it } from "vitest";
import { LlmError, scriptedProvider, type ScriptStep } from "../../llm/index.ts";
import { fakeArtifacts, llmContext } from "../../../tests/support/llm-context.ts";
import { MachineHarness } from "../../../tests/support/machine-harness.ts";
import { fewShotExample } from "./llm-prompts.ts";
import { reviewerLlmPolicy } from "./llm-policy.ts";
import { reviewerMachine } from "./machine.ts";
import { paper } from "../../../tests/support/paper-fixture.ts";

const review = (overall: number) => ({ ...fewShotExample.review, Overall: overall, Decision: overall >= 6 ? "Accept" : "Reject" });
const reply = (overall: number, thought = "Weighing it."): ScriptStep => ({ object: { thought, review: review(overall) }, usage: { inputTokens: 3000, outputTokens: 400 } });
const requested = { paperId: "paper-i1", ideaId: "i1", seat: 2, persona: "skeptic", paper };

function reviewerHarness(script: ScriptStep[], maxRepairs = 0) {
  const provider = scriptedProvider(script, { maxRepairs });
  const context = llmContext("reviewer", { reflections: 5, fewShot: 1 }, provider, { artifacts: fakeArtifacts({ "i1/paper.md": "# T\nA paper." }) });
  return { h: new MachineHarness(reviewerMachine.provide({ actors: reviewerLlmPolicy(context) as never })), provider };
}

describe("llm reviewer policy", () => {
  it("fills the NeurIPS form with the few-shot example and reflects until 'I am done'", async () => {
    const { h, provider } = reviewerHarness([reply(4), reply(5), reply(5, "No changes. I am done")]);
    const [out] = await h.send("review.requested", requested, "i1");
    expect(out!.type).toBe("review.submitted");
    expect(out!.payload).toMatchObject({ seat: 2, review: { Overall: 5, Decision: "Reject" } });
    expect(provider.requests).toHaveLength(3);
    const first = provider.requests[0]!.messages[0]!.content;
    expect(first).toContain("Below is a sample review");
    expect(first).toContain("# T\nA paper.");
    expect(first).toContain("effects that do not clear the seed spread"); // the seat's persona focus
    expect(provider.requests[2]!.messages.at(-1)!.content).toContain("Round 3/5");
  });

  it("shows the model its invalid review and accepts the repaired one", async () => {
    const { h, provider } = reviewerHarness([{ object: { thought: "t", review: { ...review(5), Overall: 11 } } }, reply(6, "I am done")], 1);
    const [out] = await h.send("review.requested", requested, "i1");
    expect(out!.payload).toMatchObject({ review: { Overall: 6 } });
    expect(provider.sent[1]!.messages.at(-1)!.content).toContain("Overall");
  });

  it("fails the idea with the reason instead of stalling the panel when the budget is exhausted", async () => {
    const { h } = reviewerHarness([{ error: new LlmError("LLM_BUDGET_EXHAUSTED", "budget exhausted") }]);
    const [out] = await h.send("review.requested", requested, "i1");
    expect(out).toMatchObject({ type: "idea.failed", payload: { stage: "reviewer", reason: expect.stringContaining("[LLM_BUDGET_EXHAUSTED]") } });
  });
});

