import { describe, expect, it } from "vitest";
import { LlmError, scriptedProvider } from "../../llm/index.ts";
import { llmContext, paperFixture } from "../../../tests/support/llm-context.ts";
import { MachineHarness } from "../../../tests/support/machine-harness.ts";
import { noveltyLlmPolicy } from "./llm-policy.ts";
import { noveltyMachine } from "./machine.ts";

const proposed = {
  ideaId: "idea-001-x",
  idea: { Name: "x", Title: "Momentum warmup", Experiment: "e", Interestingness: 5, Feasibility: 5, Novelty: 5 },
  params: {},
  parent: null,
  generation: 1,
};
const config = { maxRounds: 10, topK: 10, titleOverlap: 0.8, corpus: "auto" };
const papers = [paperFixture("p1", "Momentum warmup for SGD"), paperFixture("p2", "Adam")];

function harness(script: Parameters<typeof scriptedProvider>[0], maxRepairs = 0, rounds = 10) {
  const provider = scriptedProvider(script, { maxRepairs });
  const context = llmContext("novelty", { ...config, maxRounds: rounds }, provider, { papers });
  const machine = noveltyMachine.provide({ actors: noveltyLlmPolicy(context) as never });
  return { h: new MachineHarness(machine), provider, context };
}

const turn = (decision: string, query = "", cited: number[] = []) => ({
  object: { thought: "t", decision, query, cited },
});

describe("llm novelty policy", () => {
  it("searches, then decides with the cited paper first in the evidence", async () => {
    const { h, provider, context } = harness([turn("undecided", "momentum warmup"), turn("not novel", "", [1])]);
    const [out] = await h.send("idea.proposed", proposed, proposed.ideaId);
    expect(out!.type).toBe("idea.assessed");
    const p = out!.payload as {
      novel: boolean;
      rounds: number;
      reason: string;
      evidence: Array<{ id: string; note: string }>;
    };
    expect(p).toMatchObject({ novel: false, rounds: 2 });
    expect(p.reason).toContain('"Momentum warmup for SGD"');
    expect(p.evidence[0]).toMatchObject({ id: "p1", note: expect.stringContaining("cited") });
    expect(context.searches).toEqual(["momentum warmup"]);
    // The second round shows the first round's results, as the seed's prompt does.
    expect(provider.requests[1]!.messages.at(-1)!.content).toContain(
      "1: Momentum warmup for SGD. A. Author. NeurIPS, 2020.",
    );
  });

  it("shows the model its invalid verdict and accepts the repaired one", async () => {
    const { h, provider } = harness([turn("maybe"), turn("novel")], 1);
    const [out] = await h.send("idea.proposed", proposed, proposed.ideaId);
    expect(out!.payload).toMatchObject({ novel: true, rounds: 1 });
    expect(provider.sent).toHaveLength(2);
  });

  it("treats an idea still undecided after the last round as not novel, like the seed", async () => {
    const { h } = harness([turn("undecided", "a"), turn("undecided", "b")], 0, 2);
    const [out] = await h.send("idea.proposed", proposed, proposed.ideaId);
    expect(out!.payload).toMatchObject({
      novel: false,
      rounds: 2,
      reason: expect.stringContaining("no decision after 2 rounds"),
    });
  });

  it("fails the idea with the reason when the budget is exhausted", async () => {
    const { h } = harness([{ error: new LlmError("LLM_BUDGET_EXHAUSTED", "budget exhausted") }]);
    const [out] = await h.send("idea.proposed", proposed, proposed.ideaId);
    expect(out!.type).toBe("idea.failed");
    expect((out!.payload as { reason: string }).reason).toContain("[LLM_BUDGET_EXHAUSTED]");
  });
});
