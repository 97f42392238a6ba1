import { describe, expect, it } from "vitest";
import type { Envelope } from "../../bus/index.ts";
import { ideaOf, SteeringState } from "./steering-state.ts";

let n = 0;
const control = (type: string, payload: unknown): Envelope => ({
  id: `m${++n}`,
  type,
  run: "r-1",
  from: "operator/me",
  causation: null,
  correlation: "r-1",
  at: new Date(0).toISOString(),
  v: 1,
  payload,
});

describe("SteeringState", () => {
  it("holds a paused role's delivery until resume, counting what it holds", async () => {
    const s = new SteeringState();
    s.apply(control("control.paused", { role: "experimenter" }));
    expect(s.isPaused("experimenter")).toBe(true);
    expect(s.isPaused("coder")).toBe(false);
    let released = false;
    const held = s.whenRunning("experimenter", new AbortController().signal).then(() => (released = true));
    await s.until((x) => x.holding.get("experimenter") === 1);
    expect(released).toBe(false);
    s.apply(control("control.resumed", { role: "experimenter" }));
    await held;
    expect(s.holding.get("experimenter")).toBe(0);
  });

  it("a whole-run pause covers every role; resuming the run lifts role pauses too; abort releases a hold", async () => {
    const s = new SteeringState();
    s.apply(control("control.paused", {}));
    s.apply(control("control.paused", { role: "writer" }));
    expect(s.pauses()).toEqual({ run: true, roles: ["writer"] });
    const abort = new AbortController();
    const held = s.whenRunning("coder", abort.signal);
    abort.abort();
    await held;
    s.apply(control("control.resumed", {}));
    expect(s.pauses()).toEqual({ run: false, roles: [] });
  });

  it("records stops, notes, constraints and interventions once each, ignoring invalid payloads", () => {
    const s = new SteeringState();
    const stop = control("control.idea-stopped", { ideaId: "idea-1", reason: "dull" });
    s.apply(stop);
    s.apply(stop);
    s.apply(control("control.noted", { ideaId: "idea-2", text: "only change the learning rate" }));
    s.apply(control("control.constrained", { text: "no weight decay" }));
    s.apply(control("control.noted", { ideaId: "idea-2" })); // no text: invalid
    expect(s.isStopped("idea-1")).toBe(true);
    expect(s.stopReason("idea-1")).toBe("dull");
    expect(s.notesFor("idea-2")).toEqual(["only change the learning rate"]);
    expect(s.constraints()).toEqual(["no weight decay"]);
    expect(s.interventions.map((i) => i.type)).toEqual([
      "control.idea-stopped",
      "control.noted",
      "control.constrained",
    ]);
    expect(ideaOf(control("x.y", { ideaId: "idea-9" }))).toBe("idea-9");
  });

  it("hands live budget changes to its listeners (the host gives usd to the model budget)", () => {
    const s = new SteeringState();
    const seen: Array<[string, number]> = [];
    s.onBudget((key, value) => seen.push([key, value]));
    s.apply(control("control.budget-changed", { key: "usd", value: 2.5 }));
    s.apply(control("control.budget-changed", { key: "ideas", value: 1.5 })); // not whole: invalid, ignored
    expect(seen).toEqual([["usd", 2.5]]);
  });
});
