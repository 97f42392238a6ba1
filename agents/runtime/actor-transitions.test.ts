import { describe, expect, it, vi } from "vitest";
import { assign, fromPromise, setup } from "xstate";
import type { Envelope } from "../../bus/index.ts";
import { stateLabel, transitionMessages } from "./actor-transitions.ts";
import { runMachineStep } from "./run-machine.ts";

const machine = setup({
  types: {} as { context: { count: number }; events: { type: "go" | "stop"; envelope: Envelope } },
  actors: { work: fromPromise(async () => 1) },
}).createMachine({
  id: "tiny",
  context: { count: 0 },
  initial: "idle",
  states: {
    idle: { on: { go: "working", stop: "done" } },
    working: {
      invoke: {
        src: "work",
        onDone: { target: "idle", actions: assign({ count: ({ context }) => context.count + 1 }) },
      },
    },
    done: { type: "final" },
  },
});

const event = (type: "go" | "stop") => ({ type, envelope: {} as Envelope });

describe("actor state changes captured through XState inspection", () => {
  it("records each change of a fresh actor's root state from its initial state, not its invoked actors", async () => {
    const step = await runMachineStep(machine, null, {}, event("go"), new AbortController().signal);
    expect(step.transitions).toEqual([
      { from: "idle", to: "working", event: "go" },
      { from: "working", to: "idle", event: expect.stringMatching(/^xstate\.done\.actor/) },
    ]);
  });

  it("starts a restored actor from its persisted state", async () => {
    const first = await runMachineStep(machine, null, {}, event("go"), new AbortController().signal);
    const second = await runMachineStep(machine, first.snapshot, {}, event("stop"), new AbortController().signal);
    expect(second.transitions).toEqual([{ from: "idle", to: "done", event: "stop" }]);
  });

  it("handles a message for an actor in a final state as a no-op, without XState's stopped-actor warning", async () => {
    const first = await runMachineStep(machine, null, {}, event("stop"), new AbortController().signal);
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    try {
      const late = await runMachineStep(machine, first.snapshot, {}, event("go"), new AbortController().signal);
      expect(late).toMatchObject({ status: "done", outbox: [], transitions: [] });
      expect(late.snapshot).toBe(first.snapshot);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it("labels nested and parallel states readably", () => {
    expect(stateLabel("idle")).toBe("idle");
    expect(stateLabel({ working: "writing" })).toBe("working.writing");
    expect(stateLabel({ a: "x", b: { c: "y" } })).toBe("a.x,b.c.y");
  });

  it("gives each role its own message ids for the same cause", () => {
    const t = [{ from: null, to: "idle", event: "xstate.init" }];
    const coder = transitionMessages(t, { role: "coder", agent: "coder/0", actorKey: "idea-1", machine: "coder" });
    const ideator = transitionMessages(t, {
      role: "ideator",
      agent: "ideator/0",
      actorKey: "idea-1",
      machine: "ideator",
    });
    expect(coder[0]!.seat).not.toBe(ideator[0]!.seat);
    expect(coder[0]).toMatchObject({
      type: "actor.transitioned",
      payload: { agent: "coder/0", actorKey: "idea-1", machine: "coder", from: null, to: "idle" },
    });
  });
});
