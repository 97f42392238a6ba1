import { describe, expect, it } from "vitest";
import { fromPromise } from "xstate";
import type { ArchiveEntry } from "../../../bus/index.ts";
import { MachineHarness, tinyTemplate } from "../../../tests/support/machine-harness.ts";
import { ideatorMachine } from "./machine.ts";
import { proposeRules, parentsFrom } from "./rules-policy.ts";
import { planRules } from "../coder/index.ts";
import type { ProposeInput } from "./types.ts";

function harness(archive: ArchiveEntry[] = []) {
  const recorded: string[] = [];
  const machine = ideatorMachine.provide({
    actors: {
      loadArchive: fromPromise(async () => archive),
      proposeIdeas: fromPromise(async ({ input }: { input: ProposeInput }) => proposeRules(tinyTemplate, input)),
      recordProposals: fromPromise(async ({ input }: { input: { proposals: { ideaId: string }[] } }) => {
        recorded.push(...input.proposals.map((p) => p.ideaId));
      }),
      recordOutcome: fromPromise(async () => undefined),
    } as never,
  });
  return { h: new MachineHarness(machine, { run: "r-test" }), recorded };
}

const started = (ideas: number, maxInFlightIdeas: number) => ({
  template: "tiny",
  policy: "rules",
  ideas,
  maxInFlightIdeas,
});

describe("ideator machine", () => {
  it("proposes up to the in-flight limit, refills freed slots, and completes the run when all are done", async () => {
    const { h, recorded } = harness();
    const first = await h.send("run.started", started(3, 2));
    expect(first.map((o) => o.type)).toEqual(["idea.proposed", "idea.proposed"]);
    const ids = first.map((o) => (o.payload as { ideaId: string }).ideaId);
    expect(new Set(ids).size).toBe(2);
    expect(recorded).toEqual(ids);
    // A novel verdict does not free a slot.
    expect(await h.send("idea.assessed", { ideaId: ids[0], novel: true, reason: "ok" })).toEqual([]);
    // A rejected idea frees one: the third (last) idea is proposed.
    const third = await h.send("idea.assessed", { ideaId: ids[1], novel: false, reason: "dup" });
    expect(third.map((o) => o.type)).toEqual(["idea.proposed"]);
    const thirdId = (third[0]!.payload as { ideaId: string }).ideaId;
    expect(await h.send("idea.failed", { ideaId: thirdId, stage: "coder", reason: "x" })).toEqual([]);
    const done = await h.send("paper.decided", { ideaId: ids[0], overall: 6, decision: "Accept" });
    expect(done.map((o) => o.type)).toEqual(["run.completed"]);
    expect(done[0]!.payload).toMatchObject({ proposed: 3, decided: 1, dropped: 1, failed: 1 });
    // A late duplicate decision does not announce completion twice.
    expect(await h.send("paper.decided", { ideaId: ids[0], overall: 6, decision: "Accept" })).toEqual([]);
  });

  it("completes at once with a budget of zero ideas", async () => {
    const { h } = harness();
    const out = await h.send("run.started", started(0, 2));
    expect(out.map((o) => o.type)).toEqual(["run.completed"]);
  });

  it("shrinks the budget to what the space holds when it is exhausted", async () => {
    // tiny space: 2 non-baseline values per knob → 4 single-knob ideas from the baseline, more from parents.
    const { h } = harness();
    const out = await h.send("run.started", started(100, 100));
    expect(out.length).toBeGreaterThan(0);
    expect(out.length).toBeLessThan(100);
  });
});

describe("rules ideator policy", () => {
  const entry = (
    ideaId: string,
    params: Record<string, number>,
    overall: number | null,
    status: ArchiveEntry["status"],
  ): ArchiveEntry => ({
    ideaId,
    run: "r-old",
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

  it("mutates the best-scored archived paper first and never repeats archived settings", () => {
    const archive = [entry("weak", { lr: 0.01 }, 3, "decided"), entry("strong", { lr: 1 }, 8, "decided")];
    expect(parentsFrom(archive)[0]?.id).toBe("strong");
    const [p] = proposeRules(tinyTemplate, { run: "r-new", count: 1, startIndex: 0, archive });
    expect(p?.parent).toBe("strong");
    expect(p?.generation).toBe(2);
    expect(p?.params.lr).toBeDefined();
    expect(JSON.stringify(p?.params)).not.toBe(JSON.stringify({ lr: 1 }));
  });

  it("puts the idea's own change first, so the rules coder sweeps that knob and not one inherited from the parent", () => {
    const archive = [entry("strong", { lr: 1 }, 8, "decided")];
    const made = proposeRules(tinyTemplate, { run: "r-first", count: 6, startIndex: 0, archive });
    const changedWidth = made.find((p) => p.parent === "strong" && "width" in p.params)!;
    expect(Object.keys(changedWidth.params)).toEqual(["width", "lr"]);
    const plan = planRules(tinyTemplate, changedWidth.params, 3);
    expect(plan.slice(1).every((run) => run.note.startsWith("sweep: width="))).toBe(true);
  });

  it("is reproducible for the same run id", () => {
    const a = proposeRules(tinyTemplate, { run: "r-x", count: 3, startIndex: 0, archive: [] });
    const b = proposeRules(tinyTemplate, { run: "r-x", count: 3, startIndex: 0, archive: [] });
    expect(a).toEqual(b);
    expect(a.every((p) => p.idea.Interestingness >= 1 && p.idea.Novelty <= 10)).toBe(true);
  });
});
