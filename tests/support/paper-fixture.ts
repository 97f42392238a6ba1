import type { Payload } from "../../bus/index.ts";

/** A drafted paper with a clear, consistent effect on three datasets: the fixture review and panel tests share. */
export const paper: Payload<"paper.drafted"> = {
  ideaId: "i1",
  paperId: "paper-i1",
  title: "T",
  abstract: "A",
  artifact: "i1/paper.md",
  path: "i1/paper.md",
  pdf: null,
  latexStatus: "not compiled",
  textArtifact: null,
  provenance: null,
  evidence: {
    primaryMetric: "acc",
    higherIsBetter: true,
    effects: [
      { dataset: "a", baseline: 0.8, best: 0.9, delta: 0.1, spread: 0.01, runIndex: 1 },
      { dataset: "b", baseline: 0.7, best: 0.75, delta: 0.05, spread: 0.01, runIndex: 1 },
      { dataset: "c", baseline: 0.6, best: 0.66, delta: 0.06, spread: 0.02, runIndex: 2 },
    ],
    runsAttempted: 2,
    runsFailed: 0,
    noveltyHits: 0,
    checkedNumbers: 18,
  },
};
