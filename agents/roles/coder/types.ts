import type { Evidence, FinalInfo, Idea, Params, Payload, RunResult } from "../../../bus/index.ts";

export interface PlannedRun {
  runIndex: number;
  params: Params;
  note: string;
}

export interface Failure {
  status: string;
  reason: string | null;
  stderrTail: string;
}

export interface WriteCodeInput {
  ideaId: string;
  idea: Idea;
  runIndex: number;
  attempt: number;
  /** Full parameter set for this run (baseline merged with the idea's changes); empty for the baseline. */
  params: Params;
  lastFailure: Failure | null;
  previousCode: string | null;
}

export interface WriteCodeOutput {
  /** Give up on this run (the policy cannot fix it), with the reason. */
  giveUp: string | null;
  files: Record<string, string>;
  command: string[];
  cacheKey: string | null;
  /** The policy is finished with experiments (the seed's ALL_COMPLETED): no further runs; `files` may hold plot.py. */
  allCompleted?: boolean;
}

export interface CoderContext {
  ideaId: string | null;
  idea: Idea | null;
  params: Params;
  evidence: Evidence[];
  plan: PlannedRun[];
  runs: RunResult[];
  current: { runIndex: number; attempt: number } | null;
  currentCode: string | null;
  lastFailure: Failure | null;
  lastResult: Payload<"experiment.finished"> | null;
  /** Artifacts of successful runs, artifact name -> path in a work dir (inputs for plot.py). */
  runArtifacts: Record<string, string>;
  baseline: FinalInfo | null;
  plots: Record<string, string>;
  notes: string;
  failure: string | null;
}

export type { RunResult };
