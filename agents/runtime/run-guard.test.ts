import { describe, expect, it } from "vitest";
import type { Envelope } from "../../bus/index.ts";
import { builtinRoles } from "../roles/index.ts";
import { RoleRegistry } from "./registry.ts";
import { RunGuard } from "./run-guard.ts";

const registry = new RoleRegistry();
for (const role of builtinRoles) registry.register(role);
let n = 0;
const msg = (type: string, from: string, payload: Record<string, unknown>): Envelope => ({
  id: `m-${++n}`,
  type,
  run: "r1",
  from,
  causation: null,
  correlation: "c",
  at: "2026-12-03T00:00:00.000Z",
  v: 1,
  payload,
});
const paper = { paperId: "p-1", ideaId: "idea-001" };

/** The messages of one genuine idea, in stream order, up to its five review requests. */
function genuine(guard: RunGuard): void {
  expect(guard.check(msg("idea.proposed", "ideator/h-0", { ideaId: "idea-001" }))).toBeNull();
  for (let seat = 0; seat < 5; seat++)
    expect(guard.check(msg("review.requested", "area-chair/h-0", { ...paper, seat }))).toBeNull();
}

describe("RunGuard", () => {
  it("passes a genuine idea's reviews and its one decision", () => {
    const guard = new RunGuard(registry);
    genuine(guard);
    for (let seat = 0; seat < 5; seat++)
      expect(guard.check(msg("review.submitted", "reviewer/h-2", { ...paper, seat }))).toBeNull();
    expect(guard.check(msg("paper.decided", "area-chair/h-0", paper))).toBeNull();
  });

  it("names a seat nobody requested, a second decision and an idea never proposed", () => {
    const guard = new RunGuard(registry);
    genuine(guard);
    expect(guard.check(msg("review.submitted", "reviewer/forger", { ...paper, seat: 5 }))).toMatch(
      /^\[RUNTIME_UNREQUESTED_SEAT\] .*seat 5/,
    );
    expect(
      guard.check(msg("review.submitted", "reviewer/forger", { paperId: "p-9", ideaId: "idea-999", seat: 0 })),
    ).toMatch(/^\[RUNTIME_UNKNOWN_IDEA\] .*idea-999/);
    const first = msg("paper.decided", "area-chair/h-0", paper);
    expect(guard.check(first)).toBeNull();
    expect(guard.check(msg("paper.decided", "area-chair/forger", paper))).toMatch(
      new RegExp(`^\\[RUNTIME_DUPLICATE_DECISION\\] .*already decided by ${first.id}`),
    );
    // Another paper id for the same idea is a second decision of the idea too.
    expect(guard.check(msg("paper.decided", "area-chair/forger", { ...paper, paperId: "p-2" }))).toMatch(
      /RUNTIME_DUPLICATE_DECISION/,
    );
    expect(guard.check(msg("paper.decided", "area-chair/forger", { paperId: "p-9", ideaId: "idea-999" }))).toMatch(
      /RUNTIME_UNKNOWN_IDEA/,
    );
  });

  it("leaves forged senders to the sender check and does not learn from them", () => {
    const guard = new RunGuard(registry);
    expect(guard.check(msg("idea.proposed", "reviewer/x", { ideaId: "idea-777" }))).toBeNull();
    expect(guard.check(msg("paper.decided", "area-chair/h-0", { paperId: "p-7", ideaId: "idea-777" }))).toMatch(
      /RUNTIME_UNKNOWN_IDEA/,
    );
    expect(
      guard.check(msg("review.submitted", "area-chair/x", { paperId: "p-7", ideaId: "idea-777", seat: 0 })),
    ).toBeNull();
  });

  it("names any message about an idea this run never proposed, but not run-level or control messages", () => {
    const guard = new RunGuard(registry);
    genuine(guard);
    const about = (type: string, from: string, ideaId: string) => guard.check(msg(type, from, { ideaId }));
    expect(about("idea.assessed", "novelty/h-0", "idea-001")).toBeNull();
    expect(about("experiment.requested", "coder/h-0", "idea-001")).toBeNull();
    for (const [type, from] of [
      ["idea.assessed", "novelty/h-0"],
      ["experiment.requested", "coder/h-0"],
      ["experiment.finished", "experimenter/h-1"],
      ["study.completed", "coder/h-0"],
      ["idea.failed", "writer/h-0"],
    ] as const)
      expect(about(type, from, "idea-404"), type).toMatch(new RegExp(`^\\[RUNTIME_UNKNOWN_IDEA\\] ${type} .*idea-404`));
    expect(about("budget.exhausted", "writer/h-0", "idea-404")).toBeNull();
    expect(about("actor.transitioned", "coder/h-0", "idea-404")).toBeNull();
  });
});
