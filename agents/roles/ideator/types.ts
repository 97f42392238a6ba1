import type { ArchiveEntry, Idea, Params } from "../../../bus/index.ts";

export interface Proposal {
  ideaId: string;
  idea: Idea;
  params: Params;
  parent: string | null;
  generation: number;
}

export interface ProposeInput {
  run: string;
  count: number;
  /** Index of the first new idea in this run (ids are numbered per run). */
  startIndex: number;
  archive: ArchiveEntry[];
  /** The operator's constraints on new ideas (control.constrained), oldest first. */
  constraints?: string[];
  /** An archived idea the operator promoted (control.promoted): the next proposal extends it. */
  promoted?: string | null;
}

export type Outcome =
  | { kind: "assessed"; ideaId: string; novel: boolean; reason: string }
  | { kind: "failed"; ideaId: string; reason: string }
  | { kind: "stopped"; ideaId: string; reason: string }
  | { kind: "decided"; ideaId: string; overall: number; decision: "Accept" | "Reject" };
