// What the writer machine takes and hands its injected actors (policies and effects).
import type { Payload } from "../../../bus/index.ts";
import type { ProvenanceReport } from "../../provenance/index.ts";
import type { Draft } from "./rules-paper.ts";

type Study = Payload<"study.completed">;

export interface WriterInput {
  /** Rounds in which the policy may fix paper.tex after a failed compile (the seed's 5). */
  latexFixes?: number;
  /** Rounds in which the policy may fix the claims the provenance check could not trace. */
  claimFixes?: number;
  latexTimeoutMs?: number;
}

/** What the policy gets to fix the paper's LaTeX: the .tex that failed, the end of its log, chktex's warnings. */
export interface FixInput {
  study: Study;
  tex: string;
  log: string;
  reason: string;
  /** 1 for the first fix. */
  round: number;
  /** Artifact of chktex's warnings for the failed compile, when it left one. */
  chktexArtifact: string | null;
  /** Why earlier fixes were refused (unchanged, dropped a figure, added an untraceable claim ...). */
  refusals: string[];
}

/** What the policy gets to fix unsupported claims: the draft, the check's report and its feedback text. */
export interface ClaimFixInput {
  study: Study;
  draft: Draft;
  report: ProvenanceReport;
  feedback: string;
  round: number;
}

export interface ClaimCheck {
  report: ProvenanceReport;
  feedback: string;
}
