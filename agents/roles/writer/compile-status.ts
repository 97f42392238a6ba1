// The writer machine's context, and what it says of its LaTeX compiles (which result is its own compile, why one
// failed), kept apart from the machine's states.
import type { Payload } from "../../../bus/index.ts";
import type { MessageEvent } from "../../runtime/index.ts";
import { firstTexError } from "../experimenter/index.ts";
import { payloadOf } from "../shared/machine-kit.ts";
import type { LatexPaper } from "./latex-paper.ts";
import type { ClaimCheck } from "./machine-types.ts";
import type { CheckedPaper } from "./publish-paper.ts";
import type { Draft } from "./rules-paper.ts";

type Study = Payload<"study.completed">;
type Finished = Payload<"experiment.finished">;

/** The writer machine's context. */
export interface WriterContext {
  study: Study | null;
  draft: Draft | null;
  /** Why writing failed, recorded in idea.failed. */
  error?: string | null;
  claims: ClaimCheck | null;
  claimRound: number;
  claimFixes: number;
  paper: CheckedPaper | null;
  latex: LatexPaper | null;
  /** The compile attempt in flight: 1 for the first, +1 after each fix that was compiled. */
  round: number;
  /** Fix rounds used, refused ones included. */
  fixes: number;
  refusals: string[];
  lastCompile: Finished | null;
  pendingTex: string | null;
  pdf: string | null;
  textArtifact: string | null;
  latexStatus: string;
  latexFixes: number;
  latexTimeoutMs: number;
}

export const finishedOf = (event: MessageEvent) => payloadOf<Finished>(event);
export const isCompile = (context: WriterContext, event: MessageEvent) => {
  const r = finishedOf(event);
  return r.kind === "latex" && r.ideaId === context.study?.ideaId && r.attempt === context.round;
};

/**
 * "compile 2 failed (error): exit code 12 — ! Undefined control sequence. (l.42 \badmacro)": the first TeX error, not
 * latexmk's last line.
 */
export function compileFailure(r: Finished): string {
  const firstError = firstTexError(r.stderrTail);
  return `compile ${r.attempt} failed (${r.status})${r.reason ? `: ${r.reason}` : ""}${firstError ? ` — ${firstError}` : ""}`;
}

export const refusedSoFar = (context: WriterContext) =>
  context.refusals.length ? `; refused: ${context.refusals.join("; ")}` : "";
export const noRoundsLeft = (context: WriterContext) =>
  `${compileFailure(context.lastCompile!)}${refusedSoFar(context)}; no fix rounds left (${context.latexFixes})`;
