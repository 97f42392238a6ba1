import { describe, expect, it } from "vitest";
import type { Envelope } from "../../bus/index.ts";
import { interventionsToReplay } from "./steering-replay.ts";

const e = (
  id: string,
  type: string,
  correlation: string,
  from = "ideator/x-0",
  causation: string | null = null,
): Envelope => ({
  id,
  type,
  run: "r-rec",
  from,
  causation,
  correlation,
  at: new Date(0).toISOString(),
  v: 1,
  payload: {},
});

describe("interventionsToReplay", () => {
  it("keys each intervention by the message it followed: type, correlation (run normalised) and ordinal", () => {
    const stream = [
      e("s", "run.started", "r-rec", "cli/h"),
      e("t1", "actor.transitioned", "r-rec"),
      e("p1", "idea.proposed", "idea-1"),
      e("p2", "idea.proposed", "idea-2"),
      e("c1", "control.paused", "r-rec", "operator/me", "p2"),
      e("c2", "control.noted", "idea-2", "operator/me", "c1"),
      e("c3", "control.constrained", "r-rec", "operator/me", null),
      e("f", "control.paused", "r-rec", "ideator/x-0", "p1"), // not from the operator: not replayed
    ];
    const pending = interventionsToReplay("r-rec", stream);
    expect(pending.map((p) => [p.control.id, p.after])).toEqual([
      ["c1", "idea.proposed|idea-2|1"],
      ["c2", "control.paused|$run|1"],
      ["c3", null],
    ]);
  });
});
