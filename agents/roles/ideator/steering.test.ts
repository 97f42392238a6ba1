import { describe, expect, it } from "vitest";
import { fromPromise } from "xstate";
import { MachineHarness, tinyTemplate } from "../../../tests/support/machine-harness.ts";
import { ideatorMachine } from "./machine.ts";
import { proposeRules } from "./rules-policy.ts";
import type { Outcome, ProposeInput } from "./types.ts";

function harness() {
  const outcomes: Outcome[] = [];
  const inputs: ProposeInput[] = [];
  const machine = ideatorMachine.provide({
    actors: {
      loadArchive: fromPromise(async () => []),
      proposeIdeas: fromPromise(async ({ input }: { input: ProposeInput }) => {
        inputs.push(input);
        return proposeRules(tinyTemplate, input);
      }),
      recordProposals: fromPromise(async () => undefined),
      recordOutcome: fromPromise(async ({ input }: { input: { outcome: Outcome } }) => {
        outcomes.push(input.outcome);
      }),
    } as never,
  });
  return { h: new MachineHarness(machine, { run: "r-steer" }), outcomes, inputs };
}

const started = (ideas: number, maxInFlightIdeas: number) => ({
  template: "tiny",
  policy: "rules",
  ideas,
  maxInFlightIdeas,
});
const idOf = (o: { payload: unknown }) => (o.payload as { ideaId: string }).ideaId;

describe("ideator steering (control.*)", () => {
  it("a stopped idea is dropped with the operator's reason and its slot refilled; the run completes", async () => {
    const { h, outcomes } = harness();
    const [first] = await h.send("run.started", started(2, 1));
    const refill = await h.send("control.idea-stopped", { ideaId: idOf(first!), reason: "off topic" });
    expect(refill.map((o) => o.type)).toEqual(["idea.proposed"]);
    expect(outcomes).toEqual([{ kind: "stopped", ideaId: idOf(first!), reason: "stopped by the operator: off topic" }]);
    const done = await h.send("idea.failed", { ideaId: idOf(refill[0]!), stage: "coder", reason: "x" });
    expect(done[0]!.payload).toMatchObject({ proposed: 2, dropped: 1, failed: 1 });
  });

  it("a raised idea budget and in-flight limit propose more at once; a lower one stops at what was proposed", async () => {
    const { h } = harness();
    const first = await h.send("run.started", started(1, 1));
    expect(first).toHaveLength(1);
    expect(await h.send("control.budget-changed", { key: "ideas", value: 3 })).toEqual([]); // in-flight limit 1
    const more = await h.send("control.budget-changed", { key: "maxInFlightIdeas", value: 3 });
    expect(more.map((o) => o.type)).toEqual(["idea.proposed", "idea.proposed"]);
    await h.send("control.budget-changed", { key: "ideas", value: 0 });
    for (const o of [...first, ...more]) await h.send("idea.failed", { ideaId: idOf(o), stage: "coder", reason: "x" });
    const history = h.outputs.filter((o) => o.type === "run.completed");
    expect(history[0]!.payload).toMatchObject({ proposed: 3, failed: 3 });
  });

  it("constraints reach the proposer and restrict the rules ideator's knobs", async () => {
    const { h, inputs } = harness();
    const [knob] = Object.keys(tinyTemplate.space);
    await h.send("control.constrained", { text: "nothing before the run" }); // waiting: not applied before run.started
    const first = await h.send("run.started", started(1, 1));
    expect(inputs[0]!.constraints).toEqual([]);
    await h.send("control.constrained", { text: `only change ${knob}` });
    await h.send("control.budget-changed", { key: "ideas", value: 3 });
    await h.send("control.budget-changed", { key: "maxInFlightIdeas", value: 3 });
    expect(inputs.at(-1)!.constraints).toEqual([`only change ${knob}`]);
    const later = h.outputs.filter((o) => o.type === "idea.proposed").slice(first.length);
    expect(later.length).toBeGreaterThan(0);
    for (const o of later) expect(Object.keys((o.payload as { params: object }).params)[0]).toBe(knob);
  });
});
