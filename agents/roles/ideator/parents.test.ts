import { describe, expect, it } from "vitest";
import type { ArchiveEntry } from "../../../bus/index.ts";
import { tinyTemplate } from "../../../tests/support/machine-harness.ts";
import { parentsFrom, proposeRules } from "./rules-policy.ts";

const entry = (
  ideaId: string,
  run: string,
  params: Record<string, number>,
  status: ArchiveEntry["status"],
  overall: number | null = null,
): ArchiveEntry => ({
  ideaId,
  run,
  template: "tiny",
  idea: { Name: ideaId, Title: ideaId, Experiment: "e", Interestingness: 5, Feasibility: 5, Novelty: 5 },
  params,
  parent: null,
  generation: 1,
  status,
  novel: true,
  overall,
  decision: overall === null ? null : overall >= 6 ? "Accept" : "Reject",
  reason: null,
  updatedAt: "2026-01-01T00:00:00.000Z",
});

describe("parents of rules ideas after a crashed run", () => {
  // r-crashed died (kill -9) after its idea was judged novel and before it was decided: "novel" in the archive.
  const stale = entry("stale", "r-crashed", { lr: 0.5 }, "novel");

  it("never takes another run's undecided idea as a parent", () => {
    expect(parentsFrom([stale], "r-new").map((p) => p.id)).toEqual([null]);
    const made = proposeRules(tinyTemplate, { run: "r-new", count: 3, startIndex: 0, archive: [stale] });
    expect(made.length).toBeGreaterThan(0);
    for (const p of made) expect(p.parent).toBeNull();
  });

  it("takes that idea once its run is resumed (same run) or it is decided", () => {
    expect(parentsFrom([stale], "r-crashed").map((p) => p.id)).toEqual(["stale", null]);
    const decided = { ...stale, status: "decided" as const, overall: 7 };
    expect(parentsFrom([decided], "r-new").map((p) => p.id)).toEqual(["stale", null]);
  });
});
