import { describe, expect, it } from "vitest";
import { fromPromise } from "xstate";
import { MachineHarness, tinyTemplate } from "../../../tests/support/machine-harness.ts";
import { coderMachine } from "./machine.ts";
import { fakeArtifacts } from "../../../tests/support/llm-context.ts";
import { coderRulesPolicy, fixPlotRules, planRules, writeCodeRules } from "./rules-policy.ts";
import type { FixPlotInput, WriteCodeInput, WriteCodeOutput } from "./types.ts";

const idea = { Name: "lr_1", Title: "lr = 1", Experiment: "Try lr 1.", Interestingness: 5, Feasibility: 9, Novelty: 7 };
const info = (acc: number) => ({ moons: { means: { acc } } });

function harness(runs = 2) {
  const notes: string[] = [];
  const machine = coderMachine.provide({
    actors: {
      planStudy: fromPromise(async ({ input }: { input: { params: Record<string, number> } }) =>
        planRules(tinyTemplate, input.params, runs),
      ),
      writeCode: fromPromise(async ({ input }) => writeCodeRules(tinyTemplate, input as never)),
      recordRun: fromPromise(async () => {
        notes.push("n");
        return `notes ${notes.length}`;
      }),
      fixPlot: fromPromise(async ({ input }: { input: FixPlotInput }) => fixPlotRules(input)),
      describePlots: fromPromise(
        async ({ input }: { input: { notes: string; plotStatus: string } }) =>
          `${input.notes}\n[plots: ${input.plotStatus}]`,
      ),
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
    artifacts:
      kind === "plot"
        ? { "acc.png": "i1/acc.png" }
        : { [`run_${runIndex}/final_info.json`]: `i1/run_${runIndex}/final_info.json` },
    usage: { wallMs: 1, cpuMs: null, peakMemoryBytes: null, bytesWritten: null },
    image: "img",
    reused: false,
  };
}

const assessed = (novel: boolean) => ({
  ideaId: "i1",
  idea,
  params: { lr: 1 },
  novel,
  reason: "r",
  rounds: 1,
  evidence: [],
});

describe("coder machine", () => {
  it("runs the baseline, the planned runs and the plot, then completes the study", async () => {
    const h = harness(2);
    const [baseline] = await h.send("idea.assessed", assessed(true), "i1");
    expect(baseline?.type).toBe("experiment.requested");
    expect(baseline?.payload).toMatchObject({
      runIndex: 0,
      attempt: 1,
      kind: "experiment",
      command: ["python3", "experiment.py", "--out_dir=run_0"],
    });
    expect((baseline?.payload as { cacheKey: string }).cacheKey).toMatch(/^baseline-/);
    const [run1] = await h.send("experiment.finished", finished(0, 1, "ok", 0.5), "i1");
    expect(run1?.payload).toMatchObject({ runIndex: 1, cacheKey: null });
    expect((run1?.payload as { files: Record<string, string> }).files["experiment.py"]).toContain('"lr":1');
    const [run2] = await h.send("experiment.finished", finished(1, 1, "ok", 0.7), "i1");
    expect(run2?.payload).toMatchObject({ runIndex: 2 });
    const [plot] = await h.send("experiment.finished", finished(2, 1, "ok", 0.6), "i1");
    expect(plot?.payload).toMatchObject({ kind: "plot", command: ["python3", "plot.py"] });
    expect(Object.values((plot?.payload as { inputs: Record<string, string> }).inputs)).toContain(
      "run_2/final_info.json",
    );
    const [study] = await h.send("experiment.finished", finished(0, 1, "ok", null, "plot"), "i1");
    expect(study?.type).toBe("study.completed");
    expect(study?.payload).toMatchObject({ baseline: info(0.5), plots: { "acc.png": "i1/acc.png" } });
    expect((study?.payload as { runs: unknown[] }).runs).toHaveLength(3);
    expect(h.status).toBe("done");
  });

  it("ignores a paper's LaTeX compile result, while waiting for a run, for the plot, and after the study", async () => {
    const h = harness(1);
    await h.send("idea.assessed", assessed(true), "i1");
    const compile = (attempt: number) => ({
      ...finished(0, attempt, "ok", null, "latex"),
      artifacts: { "paper.pdf": "i1/paper.pdf" },
    });
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
    const machine = coderMachine.provide({
      actors: {
        ...coderRulesPolicy({
          services: { template: tinyTemplate },
          config: { maxRuns: 5, maxAttempts: 4, rulesRuns: 2 },
        } as never),
      } as never,
    });
    const h = new MachineHarness(machine, { maxAttempts: 4, timeoutMs: 1000, plotTimeoutMs: 500, plotScript: "" });
    const out = await h.send("idea.assessed", { ...assessed(true), params: {} }, "i1");
    expect(out.map((o) => o.type)).toEqual(["idea.failed"]);
    expect((out[0]!.payload as { reason: string }).reason).toContain("has none");
  });
});

describe("coder machine: plots", () => {
  function plotHarness(
    fixPlot: (input: FixPlotInput) => { giveUp: string | null; plotScript: string },
    maxAttempts = 3,
  ) {
    const fixes: FixPlotInput[] = [];
    const described: Array<{ notes: string; plotStatus: string; plots: Record<string, string> }> = [];
    const machine = coderMachine.provide({
      actors: {
        planStudy: fromPromise(async ({ input }: { input: { params: Record<string, number> } }) =>
          planRules(tinyTemplate, input.params, 1),
        ),
        writeCode: fromPromise(async ({ input }) => writeCodeRules(tinyTemplate, input as never)),
        recordRun: fromPromise(async () => "run notes"),
        fixPlot: fromPromise(async ({ input }: { input: FixPlotInput }) => {
          fixes.push(input);
          return fixPlot(input);
        }),
        describePlots: fromPromise(
          async ({ input }: { input: { notes: string; plotStatus: string; plots: Record<string, string> } }) => {
            described.push(input);
            return `${input.notes}\n## Plots\n${input.plotStatus}`;
          },
        ),
      } as never,
    });
    const h = new MachineHarness(machine, { maxAttempts, timeoutMs: 1000, plotTimeoutMs: 500, plotScript: "print(1)" });
    return { h, fixes, described };
  }
  const plotFailed = (attempt: number) => ({
    ...finished(0, attempt, "error", null, "plot"),
    stderrTail: `Traceback ...\nKeyError: 'run_9' (attempt ${attempt})`,
    artifacts: {},
  });

  it("sends a failed plot's stderr tail back to the coder, plots its fixed plot.py, then completes the study", async () => {
    const { h, fixes, described } = plotHarness((input) => ({
      giveUp: null,
      plotScript: input.lastFailure ? "print('fixed')" : input.plotScript,
    }));
    await h.send("idea.assessed", assessed(true), "i1");
    await h.send("experiment.finished", finished(0, 1, "ok", 0.5), "i1");
    const [plot1] = await h.send("experiment.finished", finished(1, 1, "ok", 0.7), "i1");
    expect(plot1?.payload).toMatchObject({ kind: "plot", attempt: 1, files: { "plot.py": "print(1)" } });
    expect(fixes[0]).toMatchObject({ attempt: 1, lastFailure: null });
    const [plot2] = await h.send("experiment.finished", plotFailed(1), "i1");
    expect(fixes[1]).toMatchObject({
      attempt: 2,
      lastFailure: { status: "error", stderrTail: expect.stringContaining("KeyError: 'run_9' (attempt 1)") },
    });
    expect(plot2?.payload).toMatchObject({ kind: "plot", attempt: 2, files: { "plot.py": "print('fixed')" } });
    // A late result of the first attempt is not the second's.
    expect(await h.send("experiment.finished", plotFailed(1), "i1")).toEqual([]);
    const [study] = await h.send("experiment.finished", finished(0, 2, "ok", null, "plot"), "i1");
    expect(study?.type).toBe("study.completed");
    expect(study?.payload).toMatchObject({ plots: { "acc.png": "i1/acc.png" }, plotStatus: "ok" });
    expect(described[0]).toMatchObject({ plotStatus: "ok", plots: { "acc.png": "i1/acc.png" } });
  });

  it("stops after maxAttempts plot attempts and completes the study without plots, the reason kept", async () => {
    const { h, fixes } = plotHarness((input) => ({ giveUp: null, plotScript: `print(${input.attempt})` }), 2);
    await h.send("idea.assessed", assessed(true), "i1");
    await h.send("experiment.finished", finished(0, 1, "ok", 0.5), "i1");
    await h.send("experiment.finished", finished(1, 1, "ok", 0.7), "i1");
    await h.send("experiment.finished", plotFailed(1), "i1");
    const [study] = await h.send("experiment.finished", plotFailed(2), "i1");
    expect(fixes).toHaveLength(2);
    expect(study?.type).toBe("study.completed");
    const payload = study!.payload as { plots: object; plotStatus: string; notes: string };
    expect(payload.plots).toEqual({});
    expect(payload.plotStatus).toMatch(
      /plot\.py failed after 2 attempt\(s\).*KeyError: 'run_9' \(attempt 2\).*no attempts left/,
    );
    expect(payload.notes).toContain(payload.plotStatus);
  });

  it("rules: records a plot.py failure it cannot repair, and the study completes without plots", async () => {
    const artifacts = fakeArtifacts();
    const policy = coderRulesPolicy({
      services: { template: tinyTemplate, artifacts },
      config: { maxRuns: 5, maxAttempts: 4, rulesRuns: 1 },
    } as never);
    const machine = coderMachine.provide({
      actors: { ...policy, recordRun: fromPromise(async () => "# Notes\n## Run 1: ok") } as never,
    });
    const h = new MachineHarness(machine, {
      maxAttempts: 4,
      timeoutMs: 1000,
      plotTimeoutMs: 500,
      plotScript: "print(1)",
    });
    await h.send("idea.assessed", assessed(true), "i1");
    await h.send("experiment.finished", finished(0, 1, "ok", 0.5), "i1");
    await h.send("experiment.finished", finished(1, 1, "ok", 0.7), "i1");
    const out = await h.send("experiment.finished", plotFailed(1), "i1");
    expect(out.map((o) => o.type)).toEqual(["study.completed"]); // one attempt: rules cannot edit plot.py
    const payload = out[0]!.payload as { plots: object; plotStatus: string; notes: string };
    expect(payload.plotStatus).toContain("the rules coder cannot edit plot.py (error: boom)");
    expect(payload.plotStatus).toContain("KeyError: 'run_9'");
    expect(payload.notes).toContain("## Plots\nno plots: plot.py failed after 1 attempt(s)");
    expect(artifacts.files.get("i1/notes.txt")).toBe(payload.notes);
  });

  it("rules: a plot killed from outside runs again unchanged", () => {
    const input = {
      ideaId: "i1",
      idea,
      attempt: 2,
      plotScript: "print(1)",
      code: null,
      runs: [],
      lastFailure: { status: "killed", reason: "engine restarted", stderrTail: "" },
    };
    expect(fixPlotRules(input)).toEqual({ giveUp: null, plotScript: "print(1)" });
  });
});

describe("coder machine: runs decided one at a time (llm)", () => {
  it("asks for each run after the earlier runs' results exist, and ALL_COMPLETED stops before maxRuns", async () => {
    const asked: WriteCodeInput[] = [];
    const machine = coderMachine.provide({
      actors: {
        // The llm policy's open plan: up to maxRuns runs, each decided when it is written.
        planStudy: fromPromise(async () => [1, 2, 3, 4].map((runIndex) => ({ runIndex, params: {}, note: "" }))),
        writeCode: fromPromise(async ({ input }: { input: WriteCodeInput }): Promise<WriteCodeOutput> => {
          asked.push(structuredClone(input));
          if (input.runIndex === 0) return writeCodeRules(tinyTemplate, input);
          if (input.runIndex === 3)
            return {
              giveUp: null,
              files: { "plot.py": "print('labels')" },
              command: [],
              cacheKey: null,
              allCompleted: true,
            };
          return {
            giveUp: null,
            files: { "experiment.py": `# run ${input.runIndex}` },
            command: ["python3", "experiment.py", `--out_dir=run_${input.runIndex}`],
            cacheKey: null,
            description: `lr x${input.runIndex}`,
            changes: `+1 -1 (${input.runIndex})`,
          };
        }),
        recordRun: fromPromise(async () => "notes"),
        fixPlot: fromPromise(async ({ input }: { input: FixPlotInput }) => ({
          giveUp: null,
          plotScript: input.plotScript,
        })),
        describePlots: fromPromise(async ({ input }: { input: { notes: string } }) => input.notes),
      } as never,
    });
    const h = new MachineHarness(machine, {
      maxAttempts: 2,
      timeoutMs: 1000,
      plotTimeoutMs: 500,
      plotScript: "print(1)",
    });
    await h.send("idea.assessed", { ...assessed(true), params: {} }, "i1");
    const [run1] = await h.send("experiment.finished", finished(0, 1, "ok", 0.5), "i1");
    expect(run1?.payload).toMatchObject({ runIndex: 1 });
    expect(asked.map((a) => a.runIndex)).toEqual([0, 1]); // run_2 is not decided before run_1 has a result
    expect(asked[1]!.baseline).toEqual(info(0.5));
    const [run2] = await h.send("experiment.finished", finished(1, 1, "ok", 0.7), "i1");
    expect(run2?.payload).toMatchObject({ runIndex: 2 });
    expect(asked[2]!.runs.map((r) => [r.runIndex, r.finalInfo])).toEqual([
      [0, info(0.5)],
      [1, info(0.7)],
    ]);
    expect(asked[2]!.runs[1]!.description).toBe("lr x1");
    const [plot] = await h.send("experiment.finished", finished(2, 1, "ok", 0.9), "i1");
    expect(asked.map((a) => a.runIndex)).toEqual([0, 1, 2, 3]);
    expect(plot?.payload).toMatchObject({ kind: "plot", files: { "plot.py": "print('labels')" } });
    const [study] = await h.send("experiment.finished", finished(0, 1, "ok", null, "plot"), "i1");
    const runs = (study!.payload as { runs: Array<{ runIndex: number; description: string }> }).runs;
    expect(runs.map((r) => [r.runIndex, r.description])).toEqual([
      [0, "baseline"],
      [1, "lr x1"],
      [2, "lr x2"],
    ]);
  });
});

describe("the baseline's cache key", () => {
  const input = {
    ideaId: "i1",
    idea,
    runIndex: 0,
    attempt: 1,
    params: {},
    lastFailure: null,
    previousCode: null,
    runs: [],
    baseline: null,
  };
  const withWorkspace = (extra: Record<string, string>) => ({
    ...tinyTemplate,
    workspace: {
      ...tinyTemplate.workspace,
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, new TextEncoder().encode(v)])),
    },
  });

  it("hashes every file of the run's work dir and its command, not experiment.py alone", () => {
    const a = writeCodeRules(withWorkspace({ "helpers.py": "K = 1\n", "data.bin": "\u0000\u0001" }), input).cacheKey;
    expect(a).toMatch(/^baseline-[0-9a-f]{16}$/);
    expect(writeCodeRules(withWorkspace({ "helpers.py": "K = 1\n", "data.bin": "\u0000\u0001" }), input).cacheKey).toBe(
      a,
    );
    expect(
      writeCodeRules(withWorkspace({ "helpers.py": "K = 2\n", "data.bin": "\u0000\u0001" }), input).cacheKey,
    ).not.toBe(a);
    expect(
      writeCodeRules(withWorkspace({ "helpers.py": "K = 1\n", "data.bin": "\u0000\u0002" }), input).cacheKey,
    ).not.toBe(a);
    // An override the template's prepareRun adds (a wrapper's settings file, a flag) is part of the run too.
    const flagged = {
      ...withWorkspace({ "helpers.py": "K = 1\n", "data.bin": "\u0000\u0001" }),
      prepareRun: (_p: object, i: number) => ({
        files: { "experiment.py": "x", "scientist_settings.json": "{}" },
        command: ["python3", "experiment.py", `--out_dir=run_${i}`, "--seed=1"],
      }),
    };
    const other = {
      ...flagged,
      prepareRun: (_p: object, i: number) => ({
        files: { "experiment.py": "x", "scientist_settings.json": '{"a": 1}' },
        command: ["python3", "experiment.py", `--out_dir=run_${i}`, "--seed=1"],
      }),
    };
    expect(writeCodeRules(flagged, input).cacheKey).not.toBe(writeCodeRules(other, input).cacheKey);
    expect(writeCodeRules(flagged, input).changes).toContain("Command: python3 experiment.py --out_dir=run_0 --seed=1");
  });

  it("is not set for runs after the baseline", () => {
    expect(writeCodeRules(tinyTemplate, { ...input, runIndex: 1, params: { lr: 1, width: 8 } }).cacheKey).toBeNull();
  });
});

describe("coder machine: finished before any run", () => {
  it("fails the idea saying no run was made when the policy says ALL_COMPLETED at run 1", async () => {
    const machine = coderMachine.provide({
      actors: {
        planStudy: fromPromise(async () => [{ runIndex: 1, params: {}, note: "" }]),
        writeCode: fromPromise(async ({ input }: { input: WriteCodeInput }): Promise<WriteCodeOutput> =>
          input.runIndex === 0
            ? writeCodeRules(tinyTemplate, input)
            : { giveUp: null, files: {}, command: [], cacheKey: null, allCompleted: true },
        ),
        recordRun: fromPromise(async () => "notes"),
      } as never,
    });
    const h = new MachineHarness(machine, { maxAttempts: 2, timeoutMs: 1000, plotTimeoutMs: 500, plotScript: "" });
    await h.send("idea.assessed", assessed(true), "i1");
    const out = await h.send("experiment.finished", finished(0, 1, "ok", 0.5), "i1");
    expect(out.map((o) => o.type)).toEqual(["idea.failed"]);
    expect((out[0]!.payload as { reason: string }).reason).toContain("before any run after the baseline");
  });
});
