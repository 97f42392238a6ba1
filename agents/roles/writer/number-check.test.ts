import { describe, expect, it } from "vitest";
import { checkTableNumbers, resultsTable } from "./number-check.ts";
import { measureEvidence } from "./evidence.ts";
import type { Payload } from "../../../bus/index.ts";

const study: Payload<"study.completed"> = {
  ideaId: "i1",
  idea: { Name: "n", Title: "t", Experiment: "e", Interestingness: 5, Feasibility: 5, Novelty: 5 },
  params: { lr: 1 },
  baseline: { moons: { means: { acc: 0.8123, loss: 0.4 }, stds: { acc: 0.01 } } },
  runs: [
    {
      runIndex: 0,
      params: {},
      status: "ok",
      finalInfo: { moons: { means: { acc: 0.8123, loss: 0.4 } } },
      attempts: 1,
      reason: null,
      description: "",
    },
    {
      runIndex: 1,
      params: { lr: 1 },
      status: "ok",
      finalInfo: { moons: { means: { acc: 0.9001, loss: 0.2 }, stds: { acc: 0.02 } } },
      attempts: 1,
      reason: null,
      description: "",
    },
    { runIndex: 2, params: { lr: 2 }, status: "error", finalInfo: null, attempts: 4, reason: "boom", description: "" },
  ],
  plots: {},
  notes: "",
  evidence: [],
};
const truth = { 0: study.runs[0]!.finalInfo!, 1: study.runs[1]!.finalInfo! };

describe("results table", () => {
  it("prints every number verbatim from final_info.json and the check confirms each one", () => {
    const table = resultsTable(study);
    expect(table).toContain("| moons | acc | 0.8123 | 0.9001 |");
    expect(checkTableNumbers(table, study, truth)).toBe(4);
  });

  it("names the first number that disagrees with the run artifacts", () => {
    const table = resultsTable(study).replace("0.9001", "0.95");
    expect(() => checkTableNumbers(table, study, truth)).toThrow(
      /moons\/acc\/run_1 = 0.95 but run_1\/final_info.json has 0.9001/,
    );
  });

  it("measures the idea's own run's effect against the baseline, counting failed runs", () => {
    const ev = measureEvidence(study, "acc", true);
    expect(ev.effects).toEqual([
      { dataset: "moons", baseline: 0.8123, best: 0.9001, delta: 0.0878, spread: 0.02, spreadKnown: true, runIndex: 1 },
    ]);
    expect(ev).toMatchObject({ runsAttempted: 2, runsFailed: 1 });
  });
});
