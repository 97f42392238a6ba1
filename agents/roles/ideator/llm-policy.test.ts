import { describe, expect, it } from "vitest";
import { fromPromise } from "xstate";
import { LlmError, scriptedProvider } from "../../llm/index.ts";
import { llmContext } from "../../../tests/support/llm-context.ts";
import { MachineHarness } from "../../../tests/support/machine-harness.ts";
import { ideatorLlmPolicy } from "./llm-policy.ts";
import { ideatorMachine } from "./machine.ts";

const idea = (name: string) => ({
  Name: name,
  Title: `Title of ${name}`,
  Experiment: "Change the optimizer.",
  Interestingness: 6,
  Feasibility: 8,
  Novelty: 5,
});
const reply = (name: string, thought = "Refining.") => ({
  object: { thought, idea: idea(name) },
  usage: { inputTokens: 100, outputTokens: 20 },
});

function harness(script: Parameters<typeof scriptedProvider>[0], maxRepairs = 0) {
  const provider = scriptedProvider(script, { maxRepairs });
  const context = llmContext("ideator", { reflections: 3 }, provider);
  const machine = ideatorMachine.provide({
    actors: {
      loadArchive: fromPromise(async () => []),
      recordProposals: fromPromise(async () => undefined),
      recordOutcome: fromPromise(async () => undefined),
      ...ideatorLlmPolicy(context),
    } as never,
  });
  return { h: new MachineHarness(machine, { run: "r-test" }), provider };
}

const started = { template: "tiny", policy: "llm", ideas: 1, maxInFlightIdeas: 1 };

describe("llm ideator policy", () => {
  it("refines an idea through reflection rounds and stops at 'I am done'", async () => {
    const { h, provider } = harness([reply("Momentum Warmup"), reply("momentum_warmup", "Looks right. I am done")]);
    const out = await h.send("run.started", started);
    expect(out.map((o) => o.type)).toEqual(["idea.proposed"]);
    expect(out[0]!.payload).toMatchObject({
      ideaId: "idea-001-momentum_warmup",
      idea: { Name: "momentum_warmup" },
      params: {},
    });
    expect(provider.requests).toHaveLength(2);
    expect(provider.requests[0]!.messages[0]!.content).toContain("You will have 3 rounds to iterate on the idea");
    expect(provider.requests[1]!.messages.at(-1)!.content).toContain("Round 2/3");
    expect(provider.requests[0]!.system).toBe("s"); // the template's prompt.json system message
  });

  it("shows the model its invalid idea and accepts the repaired one", async () => {
    const { h, provider } = harness(
      [{ object: { thought: "x", idea: { ...idea("a"), Novelty: 11 } } }, reply("a", "I am done")],
      1,
    );
    const out = await h.send("run.started", started);
    expect(out.map((o) => o.type)).toEqual(["idea.proposed"]);
    expect(provider.sent[1]!.messages.at(-1)!.content).toContain("did not match the required output schema");
  });

  it("stops proposing and completes the run with the reason when the budget is exhausted", async () => {
    const { h } = harness([{ error: new LlmError("LLM_BUDGET_EXHAUSTED", "budget exhausted: spent $1.0000") }]);
    const out = await h.send("run.started", { ...started, ideas: 3 });
    expect(out.map((o) => o.type)).toEqual(["run.completed"]);
    expect((out[0]!.payload as { reason: string }).reason).toContain("LLM_BUDGET_EXHAUSTED");
  });
});
