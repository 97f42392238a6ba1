import { describe, expect, it } from "vitest";
import { DeadRoleTracker } from "./role-watch.ts";

describe("DeadRoleTracker", () => {
  it("names a role once it has had work waiting and no live replica for the whole window, once per outage", () => {
    const t = new DeadRoleTracker(60_000);
    const dead = { role: "experimenter", live: 0, waiting: 2 };
    expect(t.observe([dead], 0).dead).toEqual([]);
    expect(t.observe([dead], 59_999).dead).toEqual([]);
    expect(t.observe([dead], 60_000).dead).toEqual([{ ...dead, forMs: 60_000 }]);
    expect(t.observe([dead], 120_000).dead).toEqual([]); // said once
    // A replica comes back: named as back; a later outage is a new one, with a fresh window.
    expect(t.observe([{ ...dead, live: 1 }], 130_000)).toEqual({ dead: [], back: ["experimenter"] });
    expect(t.observe([dead], 140_000).dead).toEqual([]);
    expect(t.observe([dead], 200_000).dead.map((d) => d.role)).toEqual(["experimenter"]);
  });

  it("never names a role with nothing waiting, or one that has a live replica", () => {
    const t = new DeadRoleTracker(1_000);
    for (const now of [0, 5_000, 10_000]) {
      const { dead } = t.observe(
        [
          { role: "ideator", live: 0, waiting: 0 },
          { role: "experimenter", live: 1, waiting: 4 },
        ],
        now,
      );
      expect(dead).toEqual([]);
    }
  });

  it("restarts the window when the work is taken before it closes", () => {
    const t = new DeadRoleTracker(60_000);
    t.observe([{ role: "writer", live: 0, waiting: 1 }], 0);
    t.observe([{ role: "writer", live: 0, waiting: 0 }], 30_000);
    expect(t.observe([{ role: "writer", live: 0, waiting: 1 }], 70_000).dead).toEqual([]);
  });
});
