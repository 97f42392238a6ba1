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
  /** Every run finished so far, with its results: the llm coder decides the next run after seeing them. */
  runs: RunResult[];
  baseline: FinalInfo | null;
}

export interface WriteCodeOutput {
  /** Give up on this run (the policy cannot fix it), with the reason. */
  giveUp: string | null;
  files: Record<string, string>;
  command: string[];
  cacheKey: string | null;
  /** The policy is finished with experiments (the seed's ALL_COMPLETED): no further runs; `files` may hold plot.py. */
  allCompleted?: boolean;
  /** What this run changes, in words (the model's own description, or the rules plan's note). */
  description?: string;
  /** What this run's code changes against the template, as notes.txt shows it (line counts and a capped diff). */
  changes?: string;
}

export interface FixPlotInput {
  ideaId: string;
  idea: Idea;
  /** The plot attempt about to be made (1: preparing plot.py before the first plot, as the seed's "Great job!"). */
  attempt: number;
  plotScript: string;
  /** experiment.py as the last run left it (shown for reference; null: the template's). */
  code: string | null;
  /** The previous plot attempt's failure (null before the first attempt). */
  lastFailure: Failure | null;
  runs: RunResult[];
}

export interface FixPlotOutput {
  /** The policy cannot produce a plot.py worth running again, with why. */
  giveUp: string | null;
  plotScript: string;
}

export interface DescribePlotsInput {
  ideaId: string;
  idea: Idea;
  /** notes.txt as recorded after the last run. */
  notes: string;
  /** Plot files made, relative path -> artifact name (empty when plotting failed). */
  plots: Record<string, string>;
  /** "ok", or why there are no plots. */
  plotStatus: string;
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
  /**
   * Per run index (as a string key, snapshots are JSON): the policy's description and code changes of its latest
   * attempt.
   */
  runDescriptions: Record<string, string>;
  runChanges: Record<string, string>;
  /** The plot attempt in flight, the last plot failure, and how plotting ended ("ok" or the reason). */
  plotAttempt: number;
  plotFailure: Failure | null;
  plotStatus: string;
  /** Errors the study got past without failing (a run's record not written), kept in the snapshot; absent: none. */
  warnings?: string[];
}

export type { RunResult };
