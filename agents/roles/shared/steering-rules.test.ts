import { describe, expect, it } from "vitest";
import { allows, filterSpace, knobRule } from "./steering-rules.ts";

const knobs = ["learning_rate", "width", "depth", "weight_decay", "momentum"];
const space = {
  learning_rate: [0.005, 0.05, 0.5],
  width: [8, 64],
  depth: [1, 2],
  weight_decay: [0, 0.01],
  momentum: [0.5, 0.9],
};

describe("rules steering: what a text says about knobs", () => {
  it("'only change the learning rate' keeps that knob alone", () => {
    const rule = knobRule(["only change the learning rate"], knobs);
    expect(filterSpace(space, rule)).toEqual({ learning_rate: [0.005, 0.05, 0.5] });
    expect(rule.unhonoured).toEqual([]);
  });

  it("negations exclude knobs and bounds keep values in range", () => {
    const rule = knobRule(["no weight decay, width <= 32", "learning_rate < 0.5"], knobs);
    expect(filterSpace(space, rule)).toEqual({
      learning_rate: [0.005, 0.05],
      width: [8],
      depth: [1, 2],
      momentum: [0.5, 0.9],
    });
    expect(allows(rule, "weight_decay", 0)).toBe(false);
  });

  it("two 'only' texts intersect; a text naming no knob is reported unhonoured", () => {
    const rule = knobRule(["only width or depth", "only depth", "be bold"], knobs);
    expect(Object.keys(filterSpace(space, rule))).toEqual(["depth"]);
    expect(rule.unhonoured).toEqual(["be bold"]);
  });

  it("a longer knob name is not read as a shorter one", () => {
    const rule = knobRule(["only learning_rate_decay"], ["learning_rate", "learning_rate_decay"]);
    expect([...rule.only!]).toEqual(["learning_rate_decay"]);
  });
});
