import { describe, expect, it } from "vitest";
import { fromPromise } from "xstate";
import { MachineHarness, tinyTemplate } from "../../../tests/support/machine-harness.ts";
import { coderMachine } from "./machine.ts";
import { coderRulesPolicy, planRules, writeCodeRules } from "./rules-policy.ts";

const idea = { Name: "lr_1", Title: "lr = 1", Experiment: "Try lr 1.", Interestingness: 5, Feasibility: 9, Novelty: 7 };
const info = (acc: number) => ({ moons: { means: { acc } } });

function harness(runs = 2) {
  const notes: string[] = [];
  const machine = coderMachine.provide({
    actors: {
      planStudy: fromPromise(async ({ input }: { input: { params: Record<string, number> } }) => planRules(tinyTemplate, input.params, runs)),
      writeCode: fromPromise(async ({ input }) => writeCodeRules(tinyTemplate, input as never)),
      recordRun: fromPromise(async () => {
        notes.push("n");
        return `notes ${notes.length}`;
      }),
    } as never,
  });
  return new MachineHarness(machine, { maxAttempts: 4, timeoutMs: 1000, plotTimeoutMs: 500, plotScript: "print(1)" });
}

function finished(runIndex: number, attempt: number, status: string, acc: number | null, kind = "experiment") {
  return {
    ideaId: "i1",
    kind,
    runIndex,
    attempt,
    status,
    exitCode: status === "ok" ? 0 : 1,
    reason: status === "ok" ? null : "boom",
    stderrTail: status === "ok" ? "" : "Traceback: boom",
    finalInfo: acc === null ? null : info(acc),
    artifacts: kind === "plot" ? { "acc.png": "i1/acc.png" } : { [`run_${runIndex}/final_info.json`]: `i1/run_${runIndex}/final_info.json` },
    usage: { wallMs: 1, cpuMs: null, peakMemoryBytes: null, bytesWritten: null },
    image: "img",
    reused: false,
  };
}

const assessed = (novel: boolean) => ({ ideaId: "i1", idea, params: { lr: 1 }, novel, reason: "r", rounds: 1, evidence: [] });

describe("coder machine", () => {
  it("runs the baseline, the planned runs and the plot, then completes the study", async () => {
    const h = harness(2);
    const [baseline] = await h.send("idea.assessed", assessed(true), "i1");
    expect(baseline?.type).toBe("experiment.requested");
    expect(baseline?.payload).toMatchObject({ runIndex: 0, attempt: 1, kind: "experiment", command: ["python3", "experiment.py", "--out_dir=run_0"] });
    expect((baseline?.payload as { cacheKey: string }).cacheKey).toMatch(/^baseline-/);
    const [run1] = await h.send("experiment.finished", finished(0, 1, "ok", 0.5), "i1");
    expect(run1?.payload).toMatchObject({ runIndex: 1, cacheKey: null });
    expect((run1?.payload as { files: Record<string, string> }).files["experiment.py"]).toContain('"lr":1');
    const [run2] = await h.send("experiment.finished", finished(1, 1, "ok", 0.7), "i1");
    expect(run2?.payload).toMatchObject({ runIndex: 2 });
    const [plot] = await h.send("experiment.finished", finished(2, 1, "ok", 0.6), "i1");
    expect(plot?.payload).toMatchObject({ kind: "plot", command: ["python3", "plot.py"] });
    expect(Object.values((plot?.payload as { inputs: Record<string, string> }).inputs)).toContain("run_2/final_info.json");
    const [study] = await h.send("experiment.finished", finished(0, 1, "ok", null, "plot"), "i1");
    expect(study?.type).toBe("study.completed");
    expect(study?.payload).toMatchObject({ baseline: info(0.5), plots: { "acc.png": "i1/acc.png" } });
    expect((study?.payload as { runs: unknown[] }).runs).toHaveLength(3);
    expect(h.status).toBe("done");
  });

  it("ignores a paper's LaTeX compile result, while waiting for a run, for the plot, and after the study", async () => {
    const h = harness(1);
    await h.send("idea.assessed", assessed(true), "i1");
    const compile = (attempt: number) => ({ ...finished(0, attempt, "ok", null, "latex"), artifacts: { "paper.pdf": "i1/paper.pdf" } });
    expect(await h.send("experiment.finished", compile(1), "i1")).toEqual([]); // same runIndex and attempt as run_0
    await h.send("experiment.finished", finished(0, 1, "ok", 0.5), "i1");
    const [plot] = await h.send("experiment.finished", finished(1, 1, "ok", 0.7), "i1");
    expect(plot?.payload).toMatchObject({ kind: "plot" });
    expect(await h.send("experiment.finished", compile(1), "i1")).toEqual([]);
    const [study] = await h.send("experiment.finished", finished(0, 1, "ok", null, "plot"), "i1");
    expect(study?.type).toBe("study.completed");
    expect(await h.send("experiment.finished", compile(2), "i1")).toEqual([]);
    expect(h.status).toBe("done");
  });

  it("ignores an idea judged not novel", async () => {
    const h = harness();
    expect(await h.send("idea.assessed", assessed(false), "i1")).toEqual([]);
  });

  it("ignores a stale result for an attempt it is not waiting for", async () => {
    const h = harness();
    await h.send("idea.assessed", assessed(true), "i1");
    expect(await h.send("experiment.finished", finished(3, 2, "ok", 0.1), "i1")).toEqual([]);
  });

  it("fails the idea when the baseline fails and the rules policy cannot repair it", async () => {
    const h = harness();
    await h.send("idea.assessed", assessed(true), "i1");
    const out = await h.send("experiment.finished", finished(0, 1, "error", null), "i1");
    expect(out.map((o) => o.type)).toEqual(["idea.failed"]);
    expect((out[0]?.payload as { reason: string }).reason).toContain("baseline run_0 failed");
  });

  it("retries a run killed from outside, then records a failed run and moves on", async () => {
    const h = harness(2);
    await h.send("idea.assessed", assessed(true), "i1");
    await h.send("experiment.finished", finished(0, 1, "ok", 0.5), "i1");
    const [retry] = await h.send("experiment.finished", finished(1, 1, "killed", null), "i1");
    expect(retry?.payload).toMatchObject({ runIndex: 1, attempt: 2 });
    const [next] = await h.send("experiment.finished", finished(1, 2, "error", null), "i1");
    expect(next?.payload).toMatchObject({ runIndex: 2, attempt: 1 });
  });

  it("fails the idea when every planned run fails", async () => {
    const h = harness(1);
    await h.send("idea.assessed", assessed(true), "i1");
    await h.send("experiment.finished", finished(0, 1, "ok", 0.5), "i1");
    const out = await h.send("experiment.finished", finished(1, 1, "timeout", null), "i1");
    expect(out.map((o) => o.type)).toEqual(["idea.failed"]);
  });
});

describe("rules coder policy", () => {
  it("plans the idea's setting and then a sweep of the changed knob", () => {
    const plan = planRules(tinyTemplate, { lr: 1 }, 3);
    expect(plan.map((p) => p.params.lr)).toEqual([1, 0.01]);
    expect(plan[0]?.params.width).toBe(8);
  });
});

describe("rules coder with an idea that has no settings", () => {
  it("fails the idea with a reason instead of rerunning the baseline", async () => {
    const machine = coderMachine.provide({ actors: { ...coderRulesPolicy({ services: { template: tinyTemplate }, config: { maxRuns: 5, maxAttempts: 4, rulesRuns: 2 } } as never) } as never });
    const h = new MachineHarness(machine, { maxAttempts: 4, timeoutMs: 1000, plotTimeoutMs: 500, plotScript: "" });
    const out = await h.send("idea.assessed", { ...assessed(true), params: {} }, "i1");
    expect(out.map((o) => o.type)).toEqual(["idea.failed"]);
    expect((out[0]!.payload as { reason: string }).reason).toContain("has none");
  });
});
